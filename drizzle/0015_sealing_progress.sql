CREATE TABLE "sealing_progress" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"table_name" text NOT NULL,
	"key_id" text NOT NULL,
	"cursor_text" text,
	"cursor_id" uuid,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sealing_progress" ADD CONSTRAINT "sealing_progress_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sealing_progress_organization_table_idx" ON "sealing_progress" USING btree ("organization_id","table_name");