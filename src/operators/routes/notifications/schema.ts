import { z } from "@hono/zod-openapi";
import { digestKinds, digestStatuses } from "../../../platform/db/schema/digests";
import { DeliveryEventType } from "../../../providers/webhook-events";
import { NotificationStatus } from "../../../ingest/schema";
import { CursorParam } from "../../../platform/pagination/query";

export const DeliveryAttempt = z
  .object({
    provider: z.string(),
    outcome: z.enum(["accepted", "retryable", "permanent", "configuration"]),
    httpStatus: z.number().int().nullable(),
    providerMessageId: z.string().nullable(),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
    at: z.string().datetime(),
  })
  .openapi("DeliveryAttempt");

const eventTypes = DeliveryEventType.options.join(", ");

/** What a provider reported about an email after accepting it, as its webhook told us. */
export const ProviderEvent = z
  .object({
    type: z.string().openapi({ description: `One of: ${eventTypes}`, example: "delivered" }),
    provider: z.string(),
    at: z.string().datetime().openapi({ description: "When the provider says it happened" }),
    bounceKind: z.string().nullable().openapi({ description: "hard or soft, for a bounce" }),
    detail: z
      .record(z.string(), z.unknown())
      .openapi({ description: "Diagnostic, reason or clicked URL as stored, addresses scrubbed; recipientHash is the keyed hash suppressions use" }),
  })
  .openapi("ProviderEvent");
export type ProviderEvent = z.infer<typeof ProviderEvent>;

/** The digest a batched notification joined: whether, when and how it went out. */
export const NotificationDigest = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(digestKinds),
    status: z.enum(digestStatuses).openapi({
      description: "open, queued, sending, sent, failed, skipped (recipient opted out meanwhile) or empty; after sent, as provider webhooks report: delivered, bounced, complained",
    }),
    itemCount: z.number().int(),
    dueAt: z.string().datetime(),
    sentAt: z.string().datetime().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    failureReason: z.string().nullable(),
    events: z.array(ProviderEvent).openapi({ description: "The provider's events about the digest email, oldest first" }),
  })
  .openapi("NotificationDigest");

export const NotificationView = z
  .object({
    id: z.string().uuid(),
    eventId: z.string().uuid(),
    type: z.string(),
    rule: z.string().nullable().openapi({ description: "The key of the event type's rule that made it; null for an event type without rules" }),
    recipientId: z.string(),
    status: NotificationStatus,
    priority: z.enum(["high", "normal"]),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    templateVersion: z.number().int().nullable(),
    failureReason: z.string().nullable(),
    decisionRule: z.string().nullable().openapi({
      description:
        "The rule that decided a skipped, batched, held or cancelled notification: a preference rule (e.g. recipient_opt_out, organization_digest, critical), `throttled:<rule key>` when its rule's throttle turned it away, `quiet_hours` when it waited for the recipient's quiet hours to end (kept once it is sent), or `cancelled_by_key` for one its event's cancellation key took back",
    }),
    digest: NotificationDigest.nullable().openapi({ description: "For a batched notification: the digest it joined" }),
    createdAt: z.string().datetime(),
    queuedAt: z.string().datetime().nullable(),
    sentAt: z.string().datetime().nullable(),
    failedAt: z.string().datetime().nullable(),
    attempts: z.array(DeliveryAttempt),
    events: z.array(ProviderEvent).openapi({ description: "The provider's events about this email, oldest first" }),
  })
  .openapi("Notification");
export type NotificationView = z.infer<typeof NotificationView>;

export const RecipientHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: CursorParam,
  status: NotificationStatus.optional().openapi({ description: "Only notifications in this status" }),
  type: z.string().min(1).max(100).optional().openapi({ description: "Only this event type, e.g. comment.created" }),
});

export const RecipientHistoryEntry = z
  .object({
    id: z.string().uuid(),
    eventId: z.string().uuid(),
    type: z.string(),
    status: NotificationStatus,
    priority: z.enum(["high", "normal"]),
    createdAt: z.string().datetime(),
    sentAt: z.string().datetime().nullable(),
    failedAt: z.string().datetime().nullable(),
    failureReason: z.string().nullable(),
    decisionRule: z.string().nullable(),
    digestId: z.string().uuid().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    lastEvent: z
      .object({ type: z.string().openapi({ description: `One of: ${eventTypes}` }), at: z.string().datetime() })
      .nullable()
      .openapi({
        description:
          "The newest provider event about this email; null if none yet. A batched notification has none of its own: its digest email's events are in GET /v1/notifications/{id}, under digest.events",
      }),
  })
  .openapi("RecipientHistoryEntry");

export const RecipientHistoryPage = z
  .object({
    recipientId: z.string(),
    entries: z.array(RecipientHistoryEntry),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last" }),
  })
  .openapi("RecipientHistoryPage");
export type RecipientHistoryPage = z.infer<typeof RecipientHistoryPage>;
