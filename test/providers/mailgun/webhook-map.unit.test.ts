import { describe, expect, it } from "vitest";
import type { DeliveryEvent } from "../../../src/providers/webhook-events";
import { MailgunWebhook, mapMailgunEvent } from "../../../src/providers/mailgun/webhook-map";

// Shapes from Mailgun's webhook payload reference (documentation.mailgun.com, user-manual/webhooks/webhook-payloads).
const base = {
  id: "CCXMjJ7nQi2N3BPigGOdgQ",
  timestamp: 1521472262.908181,
  recipient: "ada@example.com",
  message: { headers: { "message-id": "20260203192638.000be97f99f8cea1@sample.mailgun.com", to: "ada@example.com" } },
  "user-variables": { tidings_notification_id: "ntf_123" },
};
const common = {
  provider: "mailgun",
  providerEventId: "CCXMjJ7nQi2N3BPigGOdgQ:1521472262.908181",
  providerMessageId: "20260203192638.000be97f99f8cea1@sample.mailgun.com",
  notificationId: "ntf_123",
  recipient: "ada@example.com",
  occurredAt: new Date(1521472262908),
};
const status = (code: number, message: string) => ({ "delivery-status": { code, message, description: "", "attempt-no": 1 } });

const table: [string, Record<string, unknown>, Partial<DeliveryEvent> | undefined][] = [
  ["delivered is delivered", { event: "delivered", ...status(250, "OK") }, { type: "delivered" }],
  [
    "a permanent failure is a hard bounce with its diagnostic",
    { event: "failed", severity: "permanent", reason: "bounce", ...status(550, "5.1.1 The email account does not exist") },
    { type: "bounced", bounce: { kind: "hard", diagnostic: "550 5.1.1 The email account does not exist" } },
  ],
  [
    "a temporary failure Mailgun will retry is deferred, not a bounce",
    { event: "failed", severity: "temporary", reason: "generic", ...status(452, "4.2.2 Mailbox full") },
    { type: "deferred", reason: "452 4.2.2 Mailbox full" },
  ],
  [
    "the last temporary failure (reason old, Mailgun gave up) is a soft bounce",
    { event: "failed", severity: "temporary", reason: "old", ...status(452, "4.2.2 Mailbox full") },
    { type: "bounced", bounce: { kind: "soft", diagnostic: "452 4.2.2 Mailbox full" } },
  ],
  [
    "a permanent failure because Mailgun already suppresses the address is a drop",
    { event: "failed", severity: "permanent", reason: "suppress-bounce", ...status(605, "Not delivering to previously bounced address") },
    { type: "dropped", reason: "605 Not delivering to previously bounced address" },
  ],
  ["rejected is dropped", { event: "rejected", reject: { reason: "Sandbox subdomains are for test purposes only" } }, { type: "dropped" }],
  ["opened is opened", { event: "opened" }, { type: "opened" }],
  ["clicked is clicked with its URL", { event: "clicked", url: "https://example.com/welcome" }, { type: "clicked", url: "https://example.com/welcome" }],
  ["unsubscribed is unsubscribed", { event: "unsubscribed" }, { type: "unsubscribed" }],
  ["complained is complained", { event: "complained" }, { type: "complained" }],
  ["accepted is ignored", { event: "accepted" }, undefined],
];

describe("Mailgun events to delivery events", () => {
  it.each(table)("%s", (_name, fields, expected) => {
    expect(mapMailgunEvent({ ...base, ...fields })).toEqual({ events: expected ? [{ ...common, ...expected }] : [], invalid: [] });
  });

  it("strips the angle brackets the send API puts around the message id", () => {
    const mapped = mapMailgunEvent({ ...base, event: "delivered", message: { headers: { "message-id": "<20130503182626.18666.16540@sandbox.mailgun.org>" } } });
    expect(mapped.events[0]?.providerMessageId).toBe("20130503182626.18666.16540@sandbox.mailgun.org");
  });

  it("reports event data without a message id as invalid instead of inventing one", () => {
    const mapped = mapMailgunEvent({ ...base, event: "delivered", message: { headers: {} } });
    expect(mapped.events).toEqual([]);
    expect(mapped.invalid[0]?.message).toContain("message-id");
  });

  it("reads the signature block, stringifying a numeric timestamp", () => {
    const parsed = MailgunWebhook.safeParse({ signature: { timestamp: 1403645220, token: "t", signature: "s" }, "event-data": {} });
    expect(parsed.success && parsed.data.signature.timestamp).toBe("1403645220");
    expect(MailgunWebhook.safeParse({ "event-data": {} }).success).toBe(false);
  });
});
