import { z } from "@hono/zod-openapi";
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
    createdAt: z.string().datetime(),
    queuedAt: z.string().datetime().nullable(),
    sentAt: z.string().datetime().nullable(),
    failedAt: z.string().datetime().nullable(),
    attempts: z.array(DeliveryAttempt),
  })
  .openapi("Notification");
export type NotificationView = z.infer<typeof NotificationView>;
