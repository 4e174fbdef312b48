import { z } from "@hono/zod-openapi";
import { notificationStatuses } from "../platform/db/schema/notifications";
import { isTimeZone } from "../platform/time/time-zone";

export const RecipientInput = z
  .object({
    id: z.string().min(1).max(255).openapi({ description: "Your own id for this person", example: "user_42" }),
    email: z.email().max(320),
    name: z.string().max(200).optional(),
    locale: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "must be a BCP 47 tag like en or pt-BR")
      .optional(),
    timezone: z.string().refine(isTimeZone, "must be an IANA time zone like Europe/Paris").optional(),
  })
  .openapi("RecipientInput");

export const MAX_RECIPIENTS_PER_EVENT = 1000;

export const CreateEventBody = z
  .object({
    type: z.string().min(1).max(100).openapi({ example: "comment.created" }),
    recipients: z
      .array(RecipientInput)
      .min(1)
      .max(MAX_RECIPIENTS_PER_EVENT)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((r, i) => {
          if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `recipient id ${r.id} appears more than once` });
          seen.add(r.id);
        });
      }),
    data: z.record(z.string(), z.unknown()).default({}).openapi({ description: "Variables for the template" }),
    priority: z.enum(["high", "normal"]).optional().openapi({ description: "Defaults to the event type's priority" }),
    idempotencyKey: z.string().min(1).max(255).optional().openapi({ description: "Also accepted as the Idempotency-Key header" }),
  })
  .openapi("CreateEventBody", {
    example: {
      type: "comment.created",
      recipients: [{ id: "u1", email: "ada@example.com", name: "Ada", locale: "en", timezone: "Europe/London" }],
      data: { author: "Grace", task: "Ship v1", comment: "Looks good", url: "https://example.com/t/1" },
      priority: "high",
      idempotencyKey: "comment-8812",
    },
  });
export type CreateEventBody = z.infer<typeof CreateEventBody>;

export const NotificationStatus = z.enum(notificationStatuses);

export const AcceptedEvent = z
  .object({
    eventId: z.string().uuid(),
    duplicate: z.boolean(),
    notifications: z.array(z.object({ id: z.string().uuid(), recipientId: z.string(), status: NotificationStatus })),
  })
  .openapi("AcceptedEvent");
export type AcceptedEvent = z.infer<typeof AcceptedEvent>;
