import { z } from "zod";
import type { SnsNotification } from "./sns-envelope";
import { type DeliveryEvent, type DeliveryEventType, describeIssues, type MappedEvents, NOTIFICATION_ID_KEY } from "../webhook-events";

const IsoDate = z.string().pipe(z.coerce.date());
const Recipient = z.object({ emailAddress: z.string().min(1), diagnosticCode: z.string().optional(), status: z.string().optional() });

/** `notificationType` from identity notifications, `eventType` from configuration-set event publishing. */
const SesKind = z.object({ notificationType: z.string().optional(), eventType: z.string().optional() });

export const SesNotification = z.object({
  mail: z.object({
    messageId: z.string().min(1),
    timestamp: IsoDate,
    destination: z.array(z.string()),
    // Only event publishing carries tags; identity notifications cannot echo our id.
    tags: z.record(z.string(), z.array(z.string())).optional(),
  }),
  bounce: z.object({ bounceType: z.string(), bouncedRecipients: z.array(Recipient), timestamp: IsoDate }).optional(),
  complaint: z.object({ complainedRecipients: z.array(Recipient), timestamp: IsoDate }).optional(),
  delivery: z.object({ recipients: z.array(z.string()), timestamp: IsoDate }).optional(),
  open: z.object({ timestamp: IsoDate }).optional(),
  click: z.object({ timestamp: IsoDate, link: z.string() }).optional(),
  deliveryDelay: z.object({ delayedRecipients: z.array(Recipient), timestamp: IsoDate, delayType: z.string().optional() }).optional(),
  reject: z.object({ reason: z.string().optional() }).optional(),
});
export type SesNotification = z.infer<typeof SesNotification>;

type Occurrence = { recipient: string; occurredAt: Date; bounce?: DeliveryEvent["bounce"]; reason?: string; url?: string };
type Handler = { type: DeliveryEventType; occurrences(n: SesNotification): Occurrence[] | undefined };

const diagnostic = (r: z.infer<typeof Recipient>) => [r.status, r.diagnosticCode].filter(Boolean).join(" ") || undefined;
const each = (recipients: string[], occurredAt: Date, extra: Omit<Occurrence, "recipient" | "occurredAt"> = {}) =>
  recipients.map((recipient) => ({ recipient, occurredAt, ...extra }));

const HANDLERS: Record<string, Handler> = {
  Bounce: {
    type: "bounced",
    // Only Permanent is certain; Transient (mailbox full, too large) and Undetermined may recover.
    occurrences: ({ bounce }) =>
      bounce?.bouncedRecipients.map((r) => {
        const diag = diagnostic(r);
        return {
          recipient: r.emailAddress,
          occurredAt: bounce.timestamp,
          bounce: { kind: bounce.bounceType === "Permanent" ? "hard" : "soft", ...(diag ? { diagnostic: diag } : {}) },
        };
      }),
  },
  Complaint: {
    type: "complained",
    occurrences: ({ complaint }) =>
      complaint &&
      each(
        complaint.complainedRecipients.map((r) => r.emailAddress),
        complaint.timestamp,
      ),
  },
  Delivery: { type: "delivered", occurrences: ({ delivery }) => delivery && each(delivery.recipients, delivery.timestamp) },
  Open: { type: "opened", occurrences: ({ open, mail }) => open && each(mail.destination, open.timestamp) },
  Click: { type: "clicked", occurrences: ({ click, mail }) => click && each(mail.destination, click.timestamp, { url: click.link }) },
  DeliveryDelay: {
    type: "deferred",
    occurrences: ({ deliveryDelay: d }) =>
      d?.delayedRecipients.map((r) => ({ recipient: r.emailAddress, occurredAt: d.timestamp, ...(d.delayType ? { reason: d.delayType } : {}) })),
  },
  Reject: { type: "dropped", occurrences: ({ reject, mail }) => reject && each(mail.destination, mail.timestamp, reject.reason ? { reason: reject.reason } : {}) },
};

/**
 * Maps a verified SNS Notification carrying an SES notification: one event per recipient, keyed
 * by the SNS MessageId and the recipient (one SNS message can name several recipients). `Send`,
 * `Rendering Failure`, `AmazonSnsSubscriptionSucceeded` and new kinds are ignored.
 */
export function mapSesNotification(envelope: SnsNotification): MappedEvents {
  let body: unknown;
  try {
    body = JSON.parse(envelope.Message);
  } catch {
    return { events: [], invalid: [{ index: 0, message: "Message is not JSON" }] };
  }
  const kind = SesKind.safeParse(body);
  const name = kind.success ? (kind.data.notificationType ?? kind.data.eventType) : undefined;
  const handler = name === undefined ? undefined : HANDLERS[name];
  if (!handler) return { events: [], invalid: [] };

  const parsed = SesNotification.safeParse(body);
  const occurrences = parsed.success ? handler.occurrences(parsed.data) : undefined;
  if (!parsed.success || !occurrences) {
    return { events: [], invalid: [{ index: 0, message: parsed.success ? `${name} notification without its ${name} object` : describeIssues(parsed.error) }] };
  }
  const notificationId = parsed.data.mail.tags?.[NOTIFICATION_ID_KEY]?.[0];
  const events = occurrences.map(
    (o): DeliveryEvent => ({
      provider: "ses",
      providerEventId: `${envelope.MessageId}:${o.recipient}`,
      providerMessageId: parsed.data.mail.messageId,
      ...(notificationId ? { notificationId } : {}),
      type: handler.type,
      ...o,
    }),
  );
  return { events, invalid: [] };
}
