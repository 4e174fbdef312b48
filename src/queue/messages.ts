import { z } from "zod";

/** One queue message per notification, so each can be acked or retried on its own. */
export const SendNotificationMessage = z.object({
  kind: z.literal("send"),
  notificationId: z.string().uuid(),
});
export type SendNotificationMessage = z.infer<typeof SendNotificationMessage>;

export const QueueMessage = z.discriminatedUnion("kind", [SendNotificationMessage]);
export type QueueMessage = z.infer<typeof QueueMessage>;
