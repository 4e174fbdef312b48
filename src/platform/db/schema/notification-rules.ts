import { sql } from "drizzle-orm";
import { boolean, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { eventTypes, priorities } from "./event-types";
import { organizations } from "./organizations";
import { templates } from "./templates";

/** What a notification over its throttle's limit becomes: skipped, or an item of the recipient's digest. */
export const throttleOverflows = ["skip", "digest"] as const;

/**
 * One email an event type may mean: for which recipients (`condition`, a liquid expression over
 * `data` and `recipient`), with which template, category and urgency, and at most how many per
 * recipient per window. An event type without rules is one rule made of its own fields.
 * A rule that is replaced is archived, not deleted: notifications written under it still render
 * with its template.
 */
export const notificationRules = pgTable(
  "notification_rules",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    eventTypeId: uuid("event_type_id")
      .notNull()
      .references(() => eventTypes.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** Rules are evaluated, and their notifications listed, in this order. */
    position: integer("position").notNull(),
    templateId: uuid("template_id")
      .notNull()
      .references(() => templates.id),
    category: text("category").notNull(),
    priority: text("priority", { enum: priorities }).notNull().default("normal"),
    critical: boolean("critical").notNull().default(false),
    /** A liquid expression; null matches every recipient. Validated when the rule is saved. */
    condition: text("condition"),
    throttleLimit: integer("throttle_limit"),
    throttleWindowSeconds: integer("throttle_window_seconds"),
    throttleOverflow: text("throttle_overflow", { enum: throttleOverflows }).notNull().default("skip"),
    archivedAt: timestamp("archived_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [uniqueIndex("notification_rules_event_type_key_idx").on(t.eventTypeId, t.key).where(sql`${t.archivedAt} is null`)],
);
