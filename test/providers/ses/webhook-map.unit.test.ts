import { describe, expect, it } from "vitest";
import type { DeliveryEvent } from "../../../src/providers/webhook-events";
import { mapSesNotification } from "../../../src/providers/ses/webhook-map";
import type { SnsNotification } from "../../../src/providers/ses/sns-envelope";

// Shapes from docs.aws.amazon.com ses/latest/dg/notification-contents.html and event-publishing-retrieving-sns-contents.html.
const mail = {
  timestamp: "2026-04-20T11:05:04.000Z",
  source: "notify@tidings.example.com",
  messageId: "0102015fd91a5ca3-93c245fe-e333-46ae-8fed-96160d20cfab-000000",
  destination: ["ada@example.com"],
  tags: { tidings_notification_id: ["ntf_123"], "ses:configuration-set": ["tidings"] },
};
const at = "2026-04-20T11:05:06.477Z";
const envelope = (message: unknown): SnsNotification => ({
  Type: "Notification",
  MessageId: "sns-1",
  TopicArn: "arn:aws:sns:eu-west-1:123456789012:tidings-ses",
  Message: typeof message === "string" ? message : JSON.stringify(message),
  Timestamp: at,
  SignatureVersion: "1",
  Signature: "unused",
  SigningCertURL: "https://sns.eu-west-1.amazonaws.com/x.pem",
});
const common = (recipient: string) => ({
  provider: "ses",
  providerEventId: `sns-1:${recipient}`,
  providerMessageId: mail.messageId,
  notificationId: "ntf_123",
  recipient,
  occurredAt: new Date(at),
});
const bounce = (bounceType: string) => ({
  notificationType: "Bounce",
  mail,
  bounce: {
    bounceType,
    bounceSubType: "General",
    timestamp: at,
    feedbackId: "f-1",
    bouncedRecipients: [{ emailAddress: "ada@example.com", action: "failed", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" }],
  },
});

const table: [string, unknown, Partial<DeliveryEvent>[]][] = [
  [
    "a Permanent bounce is a hard bounce with status and diagnostic",
    bounce("Permanent"),
    [{ type: "bounced", bounce: { kind: "hard", diagnostic: "5.1.1 smtp; 550 5.1.1 user unknown" } }],
  ],
  ["a Transient bounce is a soft bounce", bounce("Transient"), [{ type: "bounced", bounce: { kind: "soft", diagnostic: "5.1.1 smtp; 550 5.1.1 user unknown" } }]],
  ["an Undetermined bounce is a soft bounce", bounce("Undetermined"), [{ type: "bounced", bounce: { kind: "soft", diagnostic: "5.1.1 smtp; 550 5.1.1 user unknown" } }]],
  [
    "a Complaint is complained",
    { notificationType: "Complaint", mail, complaint: { timestamp: at, feedbackId: "f-2", complainedRecipients: [{ emailAddress: "ada@example.com" }] } },
    [{ type: "complained" }],
  ],
  [
    "a Delivery is delivered",
    { notificationType: "Delivery", mail, delivery: { timestamp: at, recipients: ["ada@example.com"], smtpResponse: "250 ok" } },
    [{ type: "delivered" }],
  ],
  ["an Open (event publishing) is opened", { eventType: "Open", mail, open: { timestamp: at, ipAddress: "192.0.2.1", userAgent: "Mozilla/5.0" } }, [{ type: "opened" }]],
  [
    "a Click is clicked with its link",
    { eventType: "Click", mail, click: { timestamp: at, link: "https://example.com/welcome", ipAddress: "192.0.2.1" } },
    [{ type: "clicked", url: "https://example.com/welcome" }],
  ],
  [
    "a DeliveryDelay is deferred",
    { eventType: "DeliveryDelay", mail, deliveryDelay: { timestamp: at, delayType: "MailboxFull", delayedRecipients: [{ emailAddress: "ada@example.com", status: "4.2.2" }] } },
    [{ type: "deferred", reason: "MailboxFull" }],
  ],
  ["a Send is ignored", { eventType: "Send", mail, send: {} }, []],
  ["the subscription-succeeded notice is ignored", { notificationType: "AmazonSnsSubscriptionSucceeded", message: "You have successfully subscribed" }, []],
];

describe("SES notifications to delivery events", () => {
  it.each(table)("%s", (_name, message, expected) => {
    expect(mapSesNotification(envelope(message))).toEqual({ events: expected.map((e) => ({ ...common("ada@example.com"), ...e })), invalid: [] });
  });

  it("emits one event per bounced recipient, each with its own dedupe key", () => {
    const message = bounce("Permanent");
    message.bounce.bouncedRecipients.push({ emailAddress: "bob@example.com", action: "failed", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" });
    const { events } = mapSesNotification(envelope(message));
    expect(events.map((e) => [e.recipient, e.providerEventId])).toEqual([
      ["ada@example.com", "sns-1:ada@example.com"],
      ["bob@example.com", "sns-1:bob@example.com"],
    ]);
  });

  it("emits one event per complained recipient", () => {
    const complaint = { timestamp: at, complainedRecipients: [{ emailAddress: "ada@example.com" }, { emailAddress: "bob@example.com" }] };
    expect(mapSesNotification(envelope({ notificationType: "Complaint", mail, complaint })).events.map((e) => e.recipient)).toEqual(["ada@example.com", "bob@example.com"]);
  });

  it("leaves notificationId out when the mail carries no tags (identity notifications)", () => {
    const { tags: _, ...untagged } = mail;
    expect(mapSesNotification(envelope({ ...bounce("Permanent"), mail: untagged })).events[0]).not.toHaveProperty("notificationId");
  });

  it("reports a Message that is not JSON, or a Bounce without its bounce object, as invalid", () => {
    expect(mapSesNotification(envelope("Hello world")).invalid).toHaveLength(1);
    expect(mapSesNotification(envelope({ notificationType: "Bounce", mail })).invalid[0]?.message).toContain("Bounce");
  });
});
