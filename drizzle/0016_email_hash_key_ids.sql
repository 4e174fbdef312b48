ALTER TABLE "recipients" ADD COLUMN "email_hash_key_id" text;--> statement-breakpoint
ALTER TABLE "suppressions" ADD COLUMN "email_hash_key_id" text;