import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { timestamps } from "./_columns";
import type { AttemptRecord } from "./delivery-attempts";
import { organizations } from "./organizations";
import { recipients } from "./recipients";

export const digestKinds = ["window", "daily", "weekly"] as const;

/**
 * open → queued → sending → sent | failed, or skipped (the recipient opted out meanwhile), empty
 * (every item went another way), suppressed (the address bounced or complained meanwhile) or
 * paused (held while the bounce-rate guard has the organisation's mail stopped; a resume queues it
 * again). `open` rows are how cron finds windows to close. After `sent`, provider webhooks move it
 * on as they move a notification: delivered, bounced, complained.
 */
export const digestStatuses = ["open", "queued", "sending", "sent", "failed", "skipped", "empty", "suppressed", "paused", "delivered", "bounced", "complained"] as const;

/**
 * One digest window of one recipient and category. The id is chosen by the DigestWindow Durable
 * Object when the window opens, so writing the row twice (a retried close) lands once.
 */
export const digests = pgTable(
  "digests",
  {
    id: uuid("id").primaryKey(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    category: text("category").notNull(),
    /** The DigestWindow object's name: organisation, recipient and category. */
    key: text("key").notNull(),
    kind: text("kind", { enum: digestKinds }).notNull(),
    status: text("status", { enum: digestStatuses }).notNull().default("open"),
    notificationIds: uuid("notification_ids").array().notNull().default(sql`'{}'::uuid[]`),
    itemCount: integer("item_count").notNull().default(0),
    openedAt: timestamp("opened_at", { withTimezone: true, mode: "date" }).notNull(),
    dueAt: timestamp("due_at", { withTimezone: true, mode: "date" }).notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true, mode: "date" }),
    /** The claim token while sending, as on notifications. */
    attempts: integer("attempts").notNull().default(0),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true, mode: "date" }),
    /** As on notifications: lapsed claims, counted send rounds, and when a queued digest's message is due. */
    leaseExpirations: integer("lease_expirations").notNull().default(0),
    retryRounds: integer("retry_rounds").notNull().default(0),
    retryAt: timestamp("retry_at", { withTimezone: true, mode: "date" }),
    /** delivery_attempts rows need a notification; a digest keeps its provider calls here. */
    attemptLog: jsonb("attempt_log").$type<AttemptRecord[]>().notNull().default([]),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    failureReason: text("failure_reason"),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    index("digests_open_due_idx").on(t.dueAt).where(sql`${t.status} = 'open'`),
    index("digests_queued_idx").on(t.updatedAt).where(sql`${t.status} in ('queued', 'sending')`),
    index("digests_recipient_idx").on(t.organizationId, t.recipientId, t.createdAt),
    index("digests_provider_message_idx").on(t.providerMessageId),
    // The bounce-rate guard reads an organisation's most recent sends, digests included.
    index("digests_organization_sent_idx").on(t.organizationId, t.sentAt),
  ],
);
