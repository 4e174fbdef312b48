import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { events } from "./events";
import { notificationRules } from "./notification-rules";
import { eventTypes, priorities } from "./event-types";
import { organizations } from "./organizations";
import { recipients } from "./recipients";

/**
 * pending → queued → sending → sent | failed, or a decision instead of a send: suppressed, skipped,
 * batched, or paused (held while the bounce-rate guard has the organisation's mail stopped).
 * `scheduled` waits for its `retry_at` (the event's sendAt, or the end of quiet hours); `cancelled`
 * was taken back by the event's cancellation key before it reached a provider.
 * After `sent`, provider webhooks move it on: delivered, bounced, complained.
 */
export const notificationStatuses = [
  "pending",
  "scheduled",
  "queued",
  "sending",
  "sent",
  "failed",
  "suppressed",
  "skipped",
  "batched",
  "paused",
  "cancelled",
  "delivered",
  "bounced",
  "complained",
] as const;

/** One email owed to one recipient for one event; its status is the delivery state machine. */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    eventTypeId: uuid("event_type_id")
      .notNull()
      .references(() => eventTypes.id),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    /** The event type's rule that made it; null for an event type without rules (its own fields are the rule). */
    ruleId: uuid("rule_id").references(() => notificationRules.id),
    status: text("status", { enum: notificationStatuses }).notNull().default("pending"),
    priority: text("priority", { enum: priorities }).notNull(),
    /** Claims so far; the current claim's token (a write lands only while it still matches). */
    attempts: integer("attempts").notNull().default(0),
    /** While `sending`, the claim is only good until then; a dead consumer's claim lapses. */
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true, mode: "date" }),
    /** Claims that lapsed without an outcome (the consumer died sending it): past a few, it fails instead of looping. */
    leaseExpirations: integer("lease_expirations").notNull().default(0),
    /** Sends in which providers were tried and none took it; a round skipped because every circuit was open does not count. */
    retryRounds: integer("retry_rounds").notNull().default(0),
    /** While `scheduled`: when it may go. While `queued`: when its queue message is due. Long past it, the message was lost, and the sweeper enqueues it again. */
    retryAt: timestamp("retry_at", { withTimezone: true, mode: "date" }),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    templateVersion: integer("template_version"),
    failureReason: text("failure_reason"),
    /** Why it was skipped or batched (the preference rule that decided). */
    decisionRule: text("decision_rule"),
    /**
     * The digest a batched notification joined. No foreign key: the window's row is written by its
     * Durable Object and may land after the notification is marked.
     */
    digestId: uuid("digest_id"),
    queuedAt: timestamp("queued_at", { withTimezone: true, mode: "date" }),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
    failedAt: timestamp("failed_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    index("notifications_pending_sweep_idx").on(t.createdAt).where(sql`${t.status} = 'pending'`),
    index("notifications_lease_sweep_idx").on(t.leaseExpiresAt).where(sql`${t.status} = 'sending'`),
    index("notifications_queued_sweep_idx").on(t.retryAt).where(sql`${t.status} = 'queued'`),
    index("notifications_scheduled_sweep_idx").on(t.retryAt).where(sql`${t.status} = 'scheduled'`),
    index("notifications_recipient_history_idx").on(t.organizationId, t.recipientId, t.createdAt),
    index("notifications_event_idx").on(t.eventId),
    index("notifications_provider_message_idx").on(t.providerMessageId),
    // The bounce-rate guard reads an organisation's most recent sends.
    index("notifications_organization_sent_idx").on(t.organizationId, t.sentAt),
    index("notifications_digest_idx").on(t.digestId).where(sql`${t.digestId} is not null`),
    // Analytics count failures by failure time, and decisions (no send) by creation time.
    index("notifications_organization_failed_idx").on(t.organizationId, t.failedAt).where(sql`${t.failedAt} is not null`),
    index("notifications_organization_decided_idx").on(t.organizationId, t.createdAt).where(sql`${t.status} in ('suppressed', 'skipped', 'batched', 'cancelled')`),
  ],
);
