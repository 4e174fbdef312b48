import { z } from "@hono/zod-openapi";
import { notificationStatuses } from "../platform/db/schema/notifications";
import { isTimeZone } from "../platform/time/time-zone";
import { RecipientQuietHours } from "../decide/timing/quiet-hours-schema";

/** How far ahead `sendAt` may be: further than this is refused, never accepted and dropped. */
export const MAX_SEND_AT_DAYS = 30;

/** Attribute values a rule's condition can compare; nested objects stay in the event's data. */
const AttributeValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

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
    role: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "This person's part in the event (assignee, watcher, owner…), for rules' conditions as recipient.role", example: "owner" }),
    attributes: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "letters, digits and _"), AttributeValue)
      .refine((a) => Object.keys(a).length <= 50, "at most 50 attributes")
      .optional()
      .openapi({
        description: "Custom fields rules' conditions can read as recipient.<name> (role, id, email, name, locale and timezone take precedence)",
        example: { plan: "pro" },
      }),
    quietHours: RecipientQuietHours.optional().openapi({
      description: "This person's own quiet hours in their time zone ({start, end}), or false for none; left out, the organisation's apply. Stored with the recipient.",
    }),
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
    sendAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: `Hold the notifications until then (at most ${MAX_SEND_AT_DAYS} days ahead; a time already past sends now)`, example: "2026-12-24T09:00:00Z" }),
    cancellationKey: z.string().min(1).max(255).optional().openapi({
      description: "Names this event for DELETE /v1/events/cancel/{key}, which takes back its notifications that have not reached a provider yet",
      example: "task-91-reminder",
    }),
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
    notifications: z.array(
      z.object({
        id: z.string().uuid(),
        recipientId: z.string(),
        rule: z.string().nullable().openapi({ description: "The event type's rule that made it; null for an event type without rules" }),
        status: NotificationStatus,
      }),
    ),
  })
  .openapi("AcceptedEvent");
export type AcceptedEvent = z.infer<typeof AcceptedEvent>;
