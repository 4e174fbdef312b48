import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id } from "./_columns";
import { notifications } from "./notifications";
import { organizations } from "./organizations";

/**
 * What a provider reported after accepting a message (delivered, bounced, opened…). Providers
 * retry webhooks, so (provider, provider_event_id) is unique: the same event is stored once.
 */
export const deliveryEvents = pgTable(
  "delivery_events",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    notificationId: uuid("notification_id").references(() => notifications.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    providerEventId: text("provider_event_id").notNull(),
    providerMessageId: text("provider_message_id"),
    type: text("type").notNull(),
    bounceKind: text("bounce_kind"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("delivery_events_provider_event_idx").on(t.provider, t.providerEventId),
    index("delivery_events_notification_idx").on(t.notificationId),
    index("delivery_events_organization_type_idx").on(t.organizationId, t.type, t.occurredAt),
    // A digest email's events carry its id in detail (they have no notification): the notification view looks them up by it.
    index("delivery_events_digest_idx").on(t.organizationId, sql`(${t.detail}->>'digestId')`).where(sql`${t.notificationId} is null`),
    // The retention job's scan (src/followup/retention.ts): only details not yet emptied, so its cost follows what is left to purge, not the whole history.
    index("delivery_events_unpurged_idx").on(t.organizationId, t.occurredAt).where(sql`(${t.detail} - 'digestId') <> '{}'::jsonb`),
  ],
);
