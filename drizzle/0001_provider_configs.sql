CREATE TABLE "provider_configs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"provider" text NOT NULL,
	"credentials" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sending_domain" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "dkim_selector" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "dkim_private_key" text;--> statement-breakpoint
ALTER TABLE "provider_configs" ADD CONSTRAINT "provider_configs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_configs_organization_position_idx" ON "provider_configs" USING btree ("organization_id","position");