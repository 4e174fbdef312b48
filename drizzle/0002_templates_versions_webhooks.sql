CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"notification_id" uuid,
	"provider" text NOT NULL,
	"provider_event_id" text NOT NULL,
	"provider_message_id" text,
	"type" text NOT NULL,
	"bounce_kind" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "layouts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"key" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"email_hash" text NOT NULL,
	"reason" text,
	"soft_bounces" integer DEFAULT 0 NOT NULL,
	"detail" text,
	"suppressed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "template_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"default_locale" text DEFAULT 'en' NOT NULL,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"text" text,
	"locales" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"required_variables" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sample_data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "branding" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sending_paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sending_paused_reason" text;--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "email_hash" text;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "published_version" integer;--> statement-breakpoint
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "layouts" ADD CONSTRAINT "layouts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_dedupe_idx" ON "alerts" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "delivery_events_provider_event_idx" ON "delivery_events" USING btree ("provider","provider_event_id");--> statement-breakpoint
CREATE INDEX "delivery_events_notification_idx" ON "delivery_events" USING btree ("notification_id");--> statement-breakpoint
CREATE INDEX "delivery_events_organization_type_idx" ON "delivery_events" USING btree ("organization_id","type","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "layouts_organization_key_idx" ON "layouts" USING btree ("organization_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "suppressions_organization_email_idx" ON "suppressions" USING btree ("organization_id","email_hash");--> statement-breakpoint
CREATE INDEX "suppressions_organization_suppressed_idx" ON "suppressions" USING btree ("organization_id","suppressed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "template_versions_template_version_idx" ON "template_versions" USING btree ("template_id","version");--> statement-breakpoint
-- Existing templates become their own published version 1 before their content columns go.
INSERT INTO "template_versions" ("id", "organization_id", "template_id", "version", "subject", "html", "text", "published_at")
  SELECT gen_random_uuid(), "organization_id", "id", "version", "subject", "html", "text", now() FROM "templates";--> statement-breakpoint
UPDATE "templates" SET "published_version" = "version";--> statement-breakpoint
ALTER TABLE "templates" DROP COLUMN "subject";--> statement-breakpoint
ALTER TABLE "templates" DROP COLUMN "html";--> statement-breakpoint
ALTER TABLE "templates" DROP COLUMN "text";--> statement-breakpoint
ALTER TABLE "templates" DROP COLUMN "version";