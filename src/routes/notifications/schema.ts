import { z } from "@hono/zod-openapi";
import { digestKinds, digestStatuses } from "../../db/schema/digests";
import { NotificationStatus } from "../events/schema";

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

/** The digest a batched notification joined: whether, when and how it went out. */
export const NotificationDigest = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(digestKinds),
    status: z.enum(digestStatuses).openapi({ description: "open, queued, sending, sent, failed, skipped (recipient opted out meanwhile) or empty; after sent, as provider webhooks report: delivered, bounced, complained" }),
    itemCount: z.number().int(),
    dueAt: z.string().datetime(),
    sentAt: z.string().datetime().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    failureReason: z.string().nullable(),
  })
  .openapi("NotificationDigest");

export const NotificationView = z
  .object({
    id: z.string().uuid(),
    eventId: z.string().uuid(),
    type: z.string(),
    recipientId: z.string(),
    status: NotificationStatus,
    priority: z.enum(["high", "normal"]),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    templateVersion: z.number().int().nullable(),
    failureReason: z.string().nullable(),
    decisionRule: z.string().nullable().openapi({ description: "The preference rule that decided a skipped, batched or sent notification (e.g. recipient_opt_out, organization_digest, critical)" }),
    digest: NotificationDigest.nullable().openapi({ description: "For a batched notification: the digest it joined" }),
    createdAt: z.string().datetime(),
    queuedAt: z.string().datetime().nullable(),
    sentAt: z.string().datetime().nullable(),
    failedAt: z.string().datetime().nullable(),
    attempts: z.array(DeliveryAttempt),
  })
  .openapi("Notification");
export type NotificationView = z.infer<typeof NotificationView>;
