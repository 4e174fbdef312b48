import { z } from "zod";

/** The key under which our notification id travels: SendGrid custom_args, Mailgun `v:` variables, SES tags. */
export const NOTIFICATION_ID_KEY = "tidings_notification_id";

export const WebhookProvider = z.enum(["sendgrid", "mailgun", "ses"]);
export type WebhookProvider = z.infer<typeof WebhookProvider>;

export const DeliveryEventType = z.enum(["delivered", "bounced", "complained", "opened", "clicked", "unsubscribed", "dropped", "deferred"]);
export type DeliveryEventType = z.infer<typeof DeliveryEventType>;

/** Hard: the address will never accept mail (suppress it). Soft: it may later (count, do not suppress). */
export const BounceDetail = z.object({ kind: z.enum(["hard", "soft"]), diagnostic: z.string().optional() });
export type BounceDetail = z.infer<typeof BounceDetail>;

/** One provider event about one recipient of one message, in Tidings' terms. */
export const DeliveryEvent = z.object({
  provider: WebhookProvider,
  /** Dedupe key within `provider`: providers retry webhooks, the same event must be stored once. */
  providerEventId: z.string().min(1),
  /** The id the provider's send API returned, as the sender stored it. */
  providerMessageId: z.string().min(1),
  /** Our id where the provider echoes it back. */
  notificationId: z.string().optional(),
  type: DeliveryEventType,
  bounce: BounceDetail.optional(),
  /** Why a message was dropped or deferred, in the provider's words. */
  reason: z.string().optional(),
  url: z.string().optional(),
  recipient: z.string().min(1),
  occurredAt: z.date(),
});
export type DeliveryEvent = z.infer<typeof DeliveryEvent>;

/**
 * What a payload mapped to. Events we deliberately ignore (SendGrid `processed`, Mailgun `accepted`)
 * appear nowhere; entries that do not parse are listed in `invalid` so the route can log them and
 * still answer 2xx for the rest: refusing a whole batch for one bad entry gets it retried for a day.
 */
export type MappedEvents = { events: DeliveryEvent[]; invalid: { index: number; message: string }[] };

export type WebhookPayloadError = { code: "MALFORMED_PAYLOAD"; message: string };

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** Unix seconds (possibly fractional, as Mailgun sends them) to a Date. */
export const fromUnixSeconds = (seconds: number): Date => new Date(Math.round(seconds * 1000));
