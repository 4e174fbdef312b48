ALTER TABLE "recipients" ALTER COLUMN "email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "data_sealed" text;--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "email_sealed" text;--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "name_sealed" text;