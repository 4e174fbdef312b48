import { boolean, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";
import { templates } from "./templates";

export const priorities = ["normal", "high"] as const;

/** What an organisation's business event means for email: its category, template and urgency. */
export const eventTypes = pgTable(
  "event_types",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    category: text("category").notNull(),
    templateId: uuid("template_id")
      .notNull()
      .references(() => templates.id),
    priority: text("priority", { enum: priorities }).notNull().default("normal"),
    critical: boolean("critical").notNull().default(false),
    /** False for mail such as password resets and one-time codes: the event's data is emptied once a provider accepts the email. */
    retainContent: boolean("retain_content").notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("event_types_organization_key_idx").on(t.organizationId, t.key)],
);
