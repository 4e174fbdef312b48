ALTER TABLE "digests" ADD COLUMN "lease_expirations" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "digests" ADD COLUMN "retry_rounds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "digests" ADD COLUMN "retry_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "lease_expirations" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "retry_rounds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "retry_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notifications_queued_sweep_idx" ON "notifications" USING btree ("retry_at") WHERE "notifications"."status" = 'queued';--> statement-breakpoint
-- Queued before retry_at existed: due since they were queued (the sweeper's look-up for lost messages reads retry_at).
UPDATE "notifications" SET "retry_at" = coalesce("queued_at", "updated_at") WHERE "status" = 'queued' AND "retry_at" IS NULL;--> statement-breakpoint
UPDATE "digests" SET "retry_at" = "updated_at" WHERE "status" = 'queued' AND "retry_at" IS NULL;
