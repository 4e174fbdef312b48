import { z } from "zod";
import { type DeliveryEvent, type DeliveryEventType, describeIssues, fromUnixSeconds, type MappedEvents, NOTIFICATION_ID_KEY } from "../webhook-events";

/** The whole webhook body: the signature travels inside it, one event per request. */
export const MailgunWebhook = z.object({
  signature: z.object({
    // Sent as a string; a number is stringified, which is how Mailgun formatted it when signing.
    timestamp: z.union([z.string(), z.number()]).transform(String),
    token: z.string(),
    signature: z.string(),
  }),
  "event-data": z.unknown(),
});
export type MailgunWebhook = z.infer<typeof MailgunWebhook>;

export const MailgunEventData = z.object({
  id: z.string().min(1),
  event: z.string(),
  timestamp: z.number(),
  recipient: z.string().min(1),
  severity: z.string().optional(),
  reason: z.string().optional(),
  url: z.string().optional(),
  "delivery-status": z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional(), description: z.string().optional() }).optional(),
  message: z.object({ headers: z.object({ "message-id": z.string().min(1) }) }),
  "user-variables": z.record(z.string(), z.unknown()).optional(),
});
export type MailgunEventData = z.infer<typeof MailgunEventData>;

const TYPES: Record<string, DeliveryEventType> = {
  delivered: "delivered",
  failed: "bounced",
  rejected: "dropped",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  complained: "complained",
};

/** Maps `event-data` (after the signature verified); `accepted`, `stored` and new kinds are ignored. */
export function mapMailgunEvent(eventData: unknown): MappedEvents {
  const parsed = MailgunEventData.safeParse(eventData);
  if (!parsed.success) return { events: [], invalid: [{ index: 0, message: describeIssues(parsed.error) }] };
  const e = parsed.data;
  const base = TYPES[e.event];
  if (!base) return { events: [], invalid: [] };

  const status = e["delivery-status"];
  const detail = [status?.code, status?.message || status?.description || e.reason].filter((part) => part !== undefined && part !== "").join(" ") || undefined;
  const type = base === "bounced" ? failedType(e) : base;
  const notificationId = e["user-variables"]?.[NOTIFICATION_ID_KEY];
  const event: DeliveryEvent = {
    provider: "mailgun",
    // Mailgun only promises `id` unique within a day; with the event's own timestamp it is unique
    // for good, and a retried delivery still carries the same pair.
    providerEventId: `${e.id}:${e.timestamp}`,
    providerMessageId: mailgunMessageId(e.message.headers["message-id"]),
    ...(typeof notificationId === "string" && notificationId ? { notificationId } : {}),
    type,
    ...(type === "bounced" ? { bounce: { kind: e.severity === "permanent" ? "hard" : "soft", ...(detail ? { diagnostic: detail } : {}) } } : {}),
    ...((type === "dropped" || type === "deferred") && detail ? { reason: detail } : {}),
    ...(type === "clicked" && e.url ? { url: e.url } : {}),
    recipient: e.recipient,
    occurredAt: fromUnixSeconds(e.timestamp),
  };
  return { events: [event], invalid: [] };
}

/**
 * `failed` covers three things. `temporary` failures are Mailgun still retrying (for up to 8 h):
 * that is `deferred`, like SendGrid's, not a bounce — counting each retry as a soft bounce would
 * inflate the bounce rate the guard watches and reach the repeated-soft-bounce threshold after one
 * greylisting. The last retry arrives as `temporary` with reason `old`: Mailgun gave up, a soft
 * bounce. `permanent` is a hard bounce, except `suppress-*`: Mailgun refused to send because the
 * address is already on its suppression list, so nothing bounced now; that is a drop.
 */
function failedType(e: MailgunEventData): DeliveryEventType {
  if (e.severity === "permanent") return e.reason?.startsWith("suppress-") ? "dropped" : "bounced";
  return e.reason === "old" ? "bounced" : "deferred";
}

/** The send API answers `<id@domain>`; events carry the header value without angle brackets. */
export const mailgunMessageId = (messageId: string): string => messageId.trim().replace(/^<(.*)>$/, "$1");
