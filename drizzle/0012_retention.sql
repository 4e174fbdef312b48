ALTER TABLE "event_types" ADD COLUMN "retain_content" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "content_purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retention_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
CREATE INDEX "events_organization_unpurged_created_idx" ON "events" USING btree ("organization_id","created_at") WHERE content_purged_at IS NULL;