import { integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

/**
 * An organisation's liquid layout (today: `branding`, which extends the system base layout).
 * `version` grows on every change, since parse caches are keyed by id and version.
 */
export const layouts = pgTable(
  "layouts",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    version: integer("version").notNull().default(1),
    source: text("source").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("layouts_organization_key_idx").on(t.organizationId, t.key)],
);
