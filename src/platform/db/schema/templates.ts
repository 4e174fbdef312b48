import { integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

/**
 * A template's identity; its content lives in template_versions. `publishedVersion` is the version
 * new notifications render with: publishing and rolling back only move this pointer.
 */
export const templates = pgTable(
  "templates",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: text("name"),
    publishedVersion: integer("published_version"),
    ...timestamps,
  },
  (t) => [uniqueIndex("templates_organization_key_idx").on(t.organizationId, t.key)],
);
