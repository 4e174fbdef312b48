import { z } from "zod";
import { err, ok, type Result } from "../../platform/result";
import { type DeliveryEvent, type DeliveryEventType, describeIssues, fromUnixSeconds, type MappedEvents, NOTIFICATION_ID_KEY, type WebhookPayloadError } from "../webhook-events";

/** One Event Webhook entry; custom_args arrive flattened beside SendGrid's own fields. */
export const SendGridEvent = z.object({
  email: z.string().min(1),
  timestamp: z.number().int().nonnegative(),
  event: z.string(),
  sg_event_id: z.string().min(1),
  sg_message_id: z.string().min(1),
  type: z.string().optional(),
  reason: z.string().optional(),
  status: z.string().optional(),
  response: z.string().optional(),
  url: z.string().optional(),
  [NOTIFICATION_ID_KEY]: z.string().optional(),
});
export type SendGridEvent = z.infer<typeof SendGridEvent>;

/** The body is an array; entries are parsed one by one so one bad entry does not sink the batch. */
export const SendGridWebhookBody = z.array(z.unknown());

const TYPES: Record<string, DeliveryEventType> = {
  delivered: "delivered",
  bounce: "bounced",
  dropped: "dropped",
  deferred: "deferred",
  open: "opened",
  click: "clicked",
  spamreport: "complained",
  unsubscribe: "unsubscribed",
  group_unsubscribe: "unsubscribed",
};

export function mapSendGridEvents(body: unknown): Result<MappedEvents, WebhookPayloadError> {
  const batch = SendGridWebhookBody.safeParse(body);
  if (!batch.success) return err({ code: "MALFORMED_PAYLOAD", message: "A SendGrid Event Webhook body is a JSON array." });
  const mapped: MappedEvents = { events: [], invalid: [] };
  for (const [index, entry] of batch.data.entries()) {
    const parsed = SendGridEvent.safeParse(entry);
    if (!parsed.success) {
      mapped.invalid.push({ index, message: describeIssues(parsed.error) });
      continue;
    }
    const event = mapSendGridEvent(parsed.data);
    if (event) mapped.events.push(event);
  }
  return ok(mapped);
}

/** Undefined for events Tidings does not track (`processed`, `group_resubscribe`, new kinds). */
export function mapSendGridEvent(e: SendGridEvent): DeliveryEvent | undefined {
  const type = TYPES[e.event];
  if (!type) return undefined;
  const notificationId = e[NOTIFICATION_ID_KEY];
  const detail = [e.status, e.reason ?? e.response].filter(Boolean).join(" ") || undefined;
  return {
    provider: "sendgrid",
    providerEventId: e.sg_event_id,
    providerMessageId: sendGridMessageId(e.sg_message_id),
    ...(notificationId ? { notificationId } : {}),
    type,
    // "blocked" is a refusal of this message (reputation, content, rate), not of the address.
    ...(type === "bounced" ? { bounce: { kind: e.type === "blocked" ? "soft" : "hard", ...(detail ? { diagnostic: detail } : {}) } } : {}),
    ...((type === "dropped" || type === "deferred") && detail ? { reason: detail } : {}),
    ...(type === "clicked" && e.url ? { url: e.url } : {}),
    recipient: e.email,
    occurredAt: fromUnixSeconds(e.timestamp),
  };
}

/** `sg_message_id` is `<X-Message-Id>.filter…`: the send API returned only the part before the first dot. */
export const sendGridMessageId = (sgMessageId: string): string => sgMessageId.split(".")[0] ?? sgMessageId;
