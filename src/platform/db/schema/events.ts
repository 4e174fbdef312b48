import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { eventTypes, priorities } from "./event-types";
import { organizations } from "./organizations";

/**
 * An accepted business event. `fingerprint` is a hash of the request body, so a retried POST with
 * the same idempotency key is recognised and one with different content is refused.
 */
export const events = pgTable(
  "events",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    eventTypeId: uuid("event_type_id")
      .notNull()
      .references(() => eventTypes.id),
    type: text("type").notNull(),
    idempotencyKey: text("idempotency_key"),
    fingerprint: text("fingerprint").notNull(),
    priority: text("priority", { enum: priorities }).notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    /** When the retention job (or `retainContent: false`) emptied `data`; statuses and counts stay. */
    contentPurgedAt: timestamp("content_purged_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("events_organization_idempotency_idx").on(t.organizationId, t.idempotencyKey),
    // The retention job walks each organisation's unpurged events oldest first, in chunks.
    index("events_organization_unpurged_created_idx").on(t.organizationId, t.createdAt).where(sql`content_purged_at IS NULL`),
  ],
);
