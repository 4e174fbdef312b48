import { z } from "@hono/zod-openapi";
import { NotificationStatus } from "./schema";

export const CancellationKeyParams = z.object({
  key: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "key", in: "path" }, description: "The cancellationKey the events were posted with", example: "task-91-reminder" }),
});

/** Why a notification of the cancelled events was left as it was. */
export const NotCancelledReason = z.enum(["reached_provider", "being_sent", "in_closed_digest", "already_cancelled", "already_decided", "changed_meanwhile"]).openapi({
  description:
    "`reached_provider`: a provider accepted it (sent, delivered, bounced, complained); `being_sent`: a consumer holds it right now (it ends sent or failed, or batched into a digest window a later cancel can still reach); `in_closed_digest`: batched into a digest that has closed and is going out; `already_cancelled`: an earlier cancel took it back; `already_decided`: it ended skipped, suppressed or failed; `changed_meanwhile`: it changed state while the cancel ran (cancelling again takes it back if it is still waiting)",
});
export type NotCancelledReason = z.infer<typeof NotCancelledReason>;

/** The statuses a cancel takes back: nothing in them has reached a provider. */
export const cancellableStatuses = ["scheduled", "pending", "queued", "paused", "batched"] as const;

export const CancelReport = z
  .object({
    cancellationKey: z.string(),
    events: z.number().int().openapi({ description: "Events of this organisation posted with the key" }),
    cancelled: z.array(
      z.object({
        id: z.string().uuid(),
        recipientId: z.string().openapi({ description: "Your id for the recipient" }),
        previousStatus: z.enum(cancellableStatuses),
      }),
    ),
    notCancelled: z.array(
      z.object({
        id: z.string().uuid(),
        recipientId: z.string(),
        status: NotificationStatus,
        reason: NotCancelledReason,
      }),
    ),
  })
  .openapi("CancelReport", {
    example: {
      cancellationKey: "task-91-reminder",
      events: 1,
      cancelled: [{ id: "0b9f7c1e-3c1a-4d0e-9a51-6f1d2c3b4a59", recipientId: "user_42", previousStatus: "scheduled" }],
      notCancelled: [{ id: "5c2e9a70-8f3b-4b6a-a2d4-1e7f0c9b8d21", recipientId: "user_7", status: "sent", reason: "reached_provider" }],
    },
  });
export type CancelReport = z.infer<typeof CancelReport>;
