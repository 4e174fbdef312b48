import { z } from "zod";

/** One queue message per notification, so each can be acked or retried on its own. */
export const SendNotificationMessage = z.object({
  kind: z.literal("send"),
  notificationId: z.string().uuid(),
});
export type SendNotificationMessage = z.infer<typeof SendNotificationMessage>;

/** A closed digest window to render and send as one email (src/digest/digest-mail.ts). */
export const DigestMessage = z.object({
  kind: z.literal("digest"),
  digestId: z.string().uuid(),
});
export type DigestMessage = z.infer<typeof DigestMessage>;

export const QueueMessage = z.discriminatedUnion("kind", [SendNotificationMessage, DigestMessage]);
export type QueueMessage = z.infer<typeof QueueMessage>;
