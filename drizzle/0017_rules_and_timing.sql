CREATE TABLE "notification_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"event_type_id" uuid NOT NULL,
	"key" text NOT NULL,
	"position" integer NOT NULL,
	"template_id" uuid NOT NULL,
	"category" text NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"critical" boolean DEFAULT false NOT NULL,
	"condition" text,
	"throttle_limit" integer,
	"throttle_window_seconds" integer,
	"throttle_overflow" text DEFAULT 'skip' NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "throttle_windows" (
	"organization_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"recipient_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"admitted" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	CONSTRAINT "throttle_windows_rule_id_recipient_id_window_start_pk" PRIMARY KEY("rule_id","recipient_id","window_start")
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "cancellation_key" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "send_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "rule_id" uuid;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "quiet_hours" jsonb;--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "quiet_hours" jsonb;--> statement-breakpoint
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_event_type_id_event_types_id_fk" FOREIGN KEY ("event_type_id") REFERENCES "public"."event_types"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "throttle_windows" ADD CONSTRAINT "throttle_windows_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "throttle_windows" ADD CONSTRAINT "throttle_windows_rule_id_notification_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."notification_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "throttle_windows" ADD CONSTRAINT "throttle_windows_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_rules_event_type_key_idx" ON "notification_rules" USING btree ("event_type_id","key") WHERE "notification_rules"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "throttle_windows_end_idx" ON "throttle_windows" USING btree ("window_end");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_rule_id_notification_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."notification_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_organization_cancellation_idx" ON "events" USING btree ("organization_id","cancellation_key") WHERE cancellation_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notifications_scheduled_sweep_idx" ON "notifications" USING btree ("retry_at") WHERE "notifications"."status" = 'scheduled';