DROP INDEX "mdm_devices_search_idx";--> statement-breakpoint
CREATE INDEX "mdm_devices_search_idx" ON "mdm_devices" USING gin (to_tsvector('simple', coalesce("name", '') || ' ' || coalesce("model", '') || ' ' || coalesce("manufacturer", '') || ' ' || coalesce("android_id", '') || ' ' || coalesce("serial_number", '') || ' ' || coalesce("imei", '') || ' ' || coalesce("mac_address", '') || ' ' || coalesce("enrollment_id", '') || ' ' || "id"));--> statement-breakpoint
ALTER TABLE "mdm_devices" DROP COLUMN "search";--> statement-breakpoint
-- Heartbeats rewrite each device row often: free space on every page keeps those updates HOT (no new entry in
-- the table's indexes). Pages written from now on keep it; VACUUM FULL applies it to the existing ones.
ALTER TABLE "mdm_devices" SET (fillfactor = 60);--> statement-breakpoint
-- Telemetry was once written as a JSON string holding the object; store the object itself.
UPDATE "mdm_devices" SET "telemetry" = ("telemetry" #>> '{}')::jsonb WHERE jsonb_typeof("telemetry") = 'string';
