import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { templates } from "./templates";
import { id } from "./_columns";

export type LocaleVariants = Record<string, { subject: string; html: string; text?: string | null }>;

/** One immutable version of a template: editing writes a new draft, never changes a row. */
export const templateVersions = pgTable(
  "template_versions",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    templateId: uuid("template_id")
      .notNull()
      .references(() => templates.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    defaultLocale: text("default_locale").notNull().default("en"),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text"),
    locales: jsonb("locales").$type<LocaleVariants>().notNull().default({}),
    requiredVariables: jsonb("required_variables").$type<string[]>().notNull().default([]),
    sampleData: jsonb("sample_data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("template_versions_template_version_idx").on(t.templateId, t.version)],
);
