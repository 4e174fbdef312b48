import { RecipientQuietHours } from "../../decide/timing/quiet-hours-schema";
import { z } from "@hono/zod-openapi";
import { attemptOutcomes } from "../../platform/db/schema/delivery-attempts";
import { digestKinds, digestStatuses } from "../../platform/db/schema/digests";
import { deliveryModes } from "../../platform/db/schema/preferences";
import { suppressionReasons } from "../../platform/db/schema/suppressions";
import { NotificationStatus } from "../../ingest/schema";

const at = z.string().datetime();
const count = z.number().int().min(0);

/** What one erase did, in counts only: this is also what the audit row keeps, so a repeated erase answers the same. */
export const ErasureRecord = z.object({
  erasedAt: at.openapi({ description: "When the recipient was erased (the first time)" }),
  erased: z.object({
    notificationsCancelled: count.openapi({
      description: "Notifications still waiting (pending, scheduled, queued, paused, batched) that ended `skipped` with decisionRule `recipient_erased`, never sent",
    }),
    digestItemsRemoved: count.openapi({ description: "Of those, items that were waiting in an open digest window" }),
    digestsCancelled: count.openapi({ description: "The recipient's open, queued or paused digests, ended `skipped` and emptied" }),
    preferences: count.openapi({ description: "Preference rows deleted" }),
    eventsEmptied: count.openapi({ description: "Events sent to this recipient alone whose data was emptied (events with other recipients keep theirs)" }),
    deliveryEventsScrubbed: count.openapi({ description: "Provider events about their emails whose details were emptied" }),
  }),
  kept: z.object({
    notifications: count.openapi({ description: "Notification rows kept without personal data, for the organisation's counts and statuses" }),
    digests: count.openapi({ description: "Digest rows kept the same way" }),
    suppressed: z.boolean().openapi({ description: "The address is on the suppression list: its keyed hash stays, so it is never mailed again" }),
  }),
});
export type ErasureRecord = z.infer<typeof ErasureRecord>;

export const ErasureReport = ErasureRecord.extend({
  recipientId: z.string().openapi({ description: "Your id for the recipient, as given", example: "user_42" }),
}).openapi("RecipientErasure");
export type ErasureReport = z.infer<typeof ErasureReport>;

const ExportAttempt = z.object({
  provider: z.string(),
  outcome: z.enum(attemptOutcomes),
  httpStatus: z.number().int().nullable(),
  providerMessageId: z.string().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
  at: at.nullable().openapi({ description: "When the provider was called (digest attempts do not record it)" }),
});

const ExportProviderEvent = z.object({
  type: z.string(),
  provider: z.string(),
  at,
  bounceKind: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const RecipientExport = z
  .object({
    exportedAt: at,
    recipient: z.object({
      id: z.string().openapi({ description: "Your id for the recipient" }),
      email: z.string(),
      name: z.string().nullable(),
      locale: z.string().nullable(),
      timezone: z.string().nullable(),
      quietHours: RecipientQuietHours.nullable().openapi({
        description: "Their own quiet hours as the last event gave them: a window, `false` for none, null to follow the organisation's",
        example: { start: "22:00", end: "07:00" },
      }),
      unsubscribedAt: at.nullable(),
      textOnly: z.boolean(),
      createdAt: at,
      updatedAt: at,
    }),
    preferences: z.array(
      z.object({
        category: z.string(),
        enabled: z.boolean().nullable(),
        delivery: z.enum(deliveryModes).nullable(),
        digest: z.record(z.string(), z.unknown()).nullable(),
        updatedAt: at,
      }),
    ),
    suppression: z
      .object({ reason: z.enum(suppressionReasons).nullable(), softBounces: z.number().int(), suppressedAt: at.nullable(), detail: z.string().nullable() })
      .nullable()
      .openapi({ description: "The suppression entry of the recipient's address (`suppressedAt` null: soft bounces counted, not suppressed); null when there is none" }),
    notifications: z.array(
      z.object({
        id: z.string().uuid(),
        eventId: z.string().uuid(),
        type: z.string(),
        status: NotificationStatus,
        priority: z.enum(["high", "normal"]),
        decisionRule: z.string().nullable(),
        failureReason: z.string().nullable(),
        templateVersion: z.number().int().nullable(),
        provider: z.string().nullable(),
        providerMessageId: z.string().nullable(),
        digestId: z.string().uuid().nullable(),
        createdAt: at,
        queuedAt: at.nullable(),
        sentAt: at.nullable(),
        failedAt: at.nullable(),
        event: z.object({
          data: z.record(z.string(), z.unknown()).openapi({ description: "The event's data as your service sent it (empty once purged)" }),
          contentPurgedAt: at.nullable(),
        }),
        attempts: z.array(ExportAttempt),
        events: z.array(ExportProviderEvent).openapi({ description: "What the provider reported about the email, oldest first" }),
      }),
    ),
    digests: z.array(
      z.object({
        id: z.string().uuid(),
        category: z.string(),
        kind: z.enum(digestKinds),
        status: z.enum(digestStatuses),
        itemCount: z.number().int(),
        notificationIds: z.array(z.string().uuid()),
        openedAt: at,
        dueAt: at,
        sentAt: at.nullable(),
        provider: z.string().nullable(),
        providerMessageId: z.string().nullable(),
        failureReason: z.string().nullable(),
        attempts: z.array(ExportAttempt),
        events: z.array(ExportProviderEvent),
      }),
    ),
  })
  .openapi("RecipientExport", {
    description:
      "Everything Tidings holds on one recipient: their row, their own preferences, the suppression state of their address, every notification with its event's data, provider attempts and provider events, and every digest they were sent. Oldest first.",
  });
export type RecipientExport = z.infer<typeof RecipientExport>;
