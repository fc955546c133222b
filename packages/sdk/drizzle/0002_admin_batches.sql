CREATE TABLE "mdm_batch_items" (
	"batch_id" text NOT NULL,
	"device_id" text NOT NULL,
	"command_id" text,
	"error_code" text,
	"error" text,
	CONSTRAINT "mdm_batch_items_batch_id_device_id_pk" PRIMARY KEY("batch_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "mdm_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"kind" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"targeted" integer NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "mdm_batch_items" ADD CONSTRAINT "mdm_batch_items_batch_id_mdm_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."mdm_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mdm_batches_tenant_idx" ON "mdm_batches" USING btree ("tenant_id","created_at");