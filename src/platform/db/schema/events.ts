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
    /** `{}` when the data is sealed in `dataSealed` (or purged); the data itself only where no SECRETS_KEY seals it. */
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    /** The data as JSON, AES-GCM sealed and bound to organisation, row and column (src/platform/crypto/personal-data.ts). */
    dataSealed: text("data_sealed"),
    /** Names the events `DELETE /v1/events/cancel/{key}` takes back. */
    cancellationKey: text("cancellation_key"),
    /** Held until then (the notifications wait as `scheduled`); null sends at once. */
    sendAt: timestamp("send_at", { withTimezone: true, mode: "date" }),
    /** When the retention job (or `retainContent: false`) emptied `data`; statuses and counts stay. */
    contentPurgedAt: timestamp("content_purged_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("events_organization_idempotency_idx").on(t.organizationId, t.idempotencyKey),
    // The retention job walks each organisation's unpurged events oldest first, in chunks.
    index("events_organization_cancellation_idx").on(t.organizationId, t.cancellationKey).where(sql`cancellation_key IS NOT NULL`),
    index("events_organization_unpurged_created_idx").on(t.organizationId, t.createdAt).where(sql`content_purged_at IS NULL`),
  ],
);
