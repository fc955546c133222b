CREATE TABLE "mdm_app_versions" (
	"app_id" text NOT NULL,
	"version" text NOT NULL,
	"version_code" integer NOT NULL,
	"url" text NOT NULL,
	"sha256" text,
	"size_bytes" bigint,
	"min_sdk_version" integer,
	"release_notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_apps" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"package_name" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"input" jsonb,
	"result" text NOT NULL,
	"error" text,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_commands" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"device_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text NOT NULL,
	"idempotency_key" text,
	"result" jsonb,
	"error" text,
	"batch_id" text,
	"created_by" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"delivery_count" integer DEFAULT 0 NOT NULL,
	"push_attempts" integer DEFAULT 0 NOT NULL,
	"next_push_at" timestamp with time zone,
	"last_push_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_device_groups" (
	"device_id" text NOT NULL,
	"group_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mdm_device_groups_device_id_group_id_pk" PRIMARY KEY("device_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "mdm_devices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"enrollment_id" text,
	"android_id" text,
	"serial_number" text,
	"imei" text,
	"mac_address" text,
	"name" text,
	"model" text,
	"manufacturer" text,
	"os_version" text,
	"sdk_version" integer,
	"agent_version" text,
	"agent_package" text,
	"status" text NOT NULL,
	"blocked_reason" text,
	"policy_id" text,
	"applied_policy_id" text,
	"applied_policy_version" integer,
	"reported_policy_version" text,
	"telemetry" jsonb,
	"installed_apps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"apps_hash" text,
	"push_provider" text,
	"push_token" text,
	"public_key" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_seen_at" timestamp with time zone,
	"enrolled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce("mdm_devices"."name", '') || ' ' || coalesce("mdm_devices"."model", '') || ' ' || coalesce("mdm_devices"."manufacturer", '') || ' ' || coalesce("mdm_devices"."android_id", '') || ' ' || coalesce("mdm_devices"."serial_number", '') || ' ' || coalesce("mdm_devices"."imei", '') || ' ' || coalesce("mdm_devices"."mac_address", '') || ' ' || coalesce("mdm_devices"."enrollment_id", '') || ' ' || "mdm_devices"."id")) STORED
);
--> statement-breakpoint
CREATE TABLE "mdm_enrollment_challenges" (
	"challenge" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_refresh_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"family_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mdm_refresh_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "mdm_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"type" text NOT NULL,
	"device_id" text,
	"command_id" text,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"name" text NOT NULL,
	"description" text,
	"parent_id" text,
	"policy_id" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_plugin_state" (
	"plugin" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mdm_plugin_state_plugin_key_pk" PRIMARY KEY("plugin","key")
);
--> statement-breakpoint
CREATE TABLE "mdm_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"name" text NOT NULL,
	"description" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"version" integer NOT NULL,
	"settings" jsonb NOT NULL,
	"settings_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_policy_versions" (
	"policy_id" text NOT NULL,
	"version" integer NOT NULL,
	"settings" jsonb NOT NULL,
	"settings_hash" text NOT NULL,
	"created_by" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mdm_policy_versions_policy_id_version_pk" PRIMARY KEY("policy_id","version")
);
--> statement-breakpoint
CREATE TABLE "mdm_webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" bigint NOT NULL,
	"event_type" text NOT NULL,
	"device_id" text,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdm_webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"url" text NOT NULL,
	"description" text,
	"events" text[] NOT NULL,
	"secrets" text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mdm_app_versions" ADD CONSTRAINT "mdm_app_versions_app_id_mdm_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."mdm_apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdm_commands" ADD CONSTRAINT "mdm_commands_device_id_mdm_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."mdm_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdm_device_groups" ADD CONSTRAINT "mdm_device_groups_device_id_mdm_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."mdm_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdm_refresh_tokens" ADD CONSTRAINT "mdm_refresh_tokens_device_id_mdm_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."mdm_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdm_policy_versions" ADD CONSTRAINT "mdm_policy_versions_policy_id_mdm_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."mdm_policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mdm_app_versions_code_idx" ON "mdm_app_versions" USING btree ("app_id","version_code");--> statement-breakpoint
CREATE INDEX "mdm_app_versions_app_idx" ON "mdm_app_versions" USING btree ("app_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mdm_apps_package_idx" ON "mdm_apps" USING btree (coalesce("tenant_id", ''),"package_name");--> statement-breakpoint
CREATE INDEX "mdm_audit_actor_idx" ON "mdm_audit_log" USING btree ("actor_id","id");--> statement-breakpoint
CREATE INDEX "mdm_audit_target_idx" ON "mdm_audit_log" USING btree ("target_type","target_id","id");--> statement-breakpoint
CREATE INDEX "mdm_audit_action_idx" ON "mdm_audit_log" USING btree ("action","id");--> statement-breakpoint
CREATE INDEX "mdm_audit_tenant_idx" ON "mdm_audit_log" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "mdm_audit_created_idx" ON "mdm_audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mdm_commands_idempotency_idx" ON "mdm_commands" USING btree ("device_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "mdm_commands_device_idx" ON "mdm_commands" USING btree ("device_id","created_at");--> statement-breakpoint
CREATE INDEX "mdm_commands_open_idx" ON "mdm_commands" USING btree ("device_id","created_at") WHERE "mdm_commands"."status" in ('pending', 'sent');--> statement-breakpoint
CREATE INDEX "mdm_commands_expiry_idx" ON "mdm_commands" USING btree ("expires_at") WHERE "mdm_commands"."status" in ('pending', 'sent');--> statement-breakpoint
CREATE INDEX "mdm_commands_push_idx" ON "mdm_commands" USING btree ("next_push_at") WHERE "mdm_commands"."status" = 'pending' and "mdm_commands"."next_push_at" is not null;--> statement-breakpoint
CREATE INDEX "mdm_commands_ack_idx" ON "mdm_commands" USING btree ("acknowledged_at") WHERE "mdm_commands"."status" = 'acknowledged';--> statement-breakpoint
CREATE INDEX "mdm_commands_status_idx" ON "mdm_commands" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "mdm_commands_batch_idx" ON "mdm_commands" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "mdm_commands_created_idx" ON "mdm_commands" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "mdm_device_groups_group_idx" ON "mdm_device_groups" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "mdm_devices_status_idx" ON "mdm_devices" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "mdm_devices_last_seen_idx" ON "mdm_devices" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "mdm_devices_created_idx" ON "mdm_devices" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "mdm_devices_policy_idx" ON "mdm_devices" USING btree ("policy_id");--> statement-breakpoint
CREATE INDEX "mdm_devices_tenant_idx" ON "mdm_devices" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "mdm_devices_android_id_idx" ON "mdm_devices" USING btree ("android_id");--> statement-breakpoint
CREATE INDEX "mdm_devices_serial_idx" ON "mdm_devices" USING btree ("serial_number");--> statement-breakpoint
CREATE INDEX "mdm_devices_mac_idx" ON "mdm_devices" USING btree ("mac_address");--> statement-breakpoint
CREATE INDEX "mdm_devices_imei_idx" ON "mdm_devices" USING btree ("imei");--> statement-breakpoint
CREATE UNIQUE INDEX "mdm_devices_public_key_idx" ON "mdm_devices" USING btree ("public_key");--> statement-breakpoint
CREATE INDEX "mdm_devices_tags_idx" ON "mdm_devices" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "mdm_devices_search_idx" ON "mdm_devices" USING gin ("search");--> statement-breakpoint
CREATE INDEX "mdm_enrollment_challenges_expiry_idx" ON "mdm_enrollment_challenges" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "mdm_refresh_tokens_device_idx" ON "mdm_refresh_tokens" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "mdm_refresh_tokens_family_idx" ON "mdm_refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "mdm_refresh_tokens_expiry_idx" ON "mdm_refresh_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "mdm_events_device_idx" ON "mdm_events" USING btree ("device_id","id");--> statement-breakpoint
CREATE INDEX "mdm_events_command_idx" ON "mdm_events" USING btree ("command_id","id");--> statement-breakpoint
CREATE INDEX "mdm_events_type_idx" ON "mdm_events" USING btree ("type","id");--> statement-breakpoint
CREATE INDEX "mdm_events_tenant_idx" ON "mdm_events" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "mdm_groups_parent_idx" ON "mdm_groups" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "mdm_groups_policy_idx" ON "mdm_groups" USING btree ("policy_id");--> statement-breakpoint
CREATE INDEX "mdm_groups_tenant_idx" ON "mdm_groups" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "mdm_policies_tenant_idx" ON "mdm_policies" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "mdm_policies_default_idx" ON "mdm_policies" USING btree (coalesce("tenant_id", '')) WHERE "mdm_policies"."is_default";--> statement-breakpoint
CREATE UNIQUE INDEX "mdm_webhook_deliveries_event_endpoint_idx" ON "mdm_webhook_deliveries" USING btree ("event_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "mdm_webhook_deliveries_due_idx" ON "mdm_webhook_deliveries" USING btree ("next_attempt_at") WHERE "mdm_webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "mdm_webhook_deliveries_endpoint_idx" ON "mdm_webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "mdm_webhook_endpoints_tenant_idx" ON "mdm_webhook_endpoints" USING btree ("tenant_id");