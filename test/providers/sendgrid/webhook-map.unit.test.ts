import { describe, expect, it } from "vitest";
import type { DeliveryEvent } from "../../../src/providers/webhook-events";
import { mapSendGridEvents } from "../../../src/providers/sendgrid/webhook-map";

// Shapes from SendGrid's Event Webhook reference (twilio.com/docs/sendgrid/for-developers/tracking-events/event).
const base = {
  email: "ada@example.com",
  timestamp: 1513299569,
  "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
  sg_event_id: "sg_event_id_1",
  sg_message_id: "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
  category: "cat facts",
  tidings_notification_id: "ntf_123",
};
const common = {
  provider: "sendgrid",
  providerEventId: "sg_event_id_1",
  providerMessageId: "14c5d75ce93",
  notificationId: "ntf_123",
  recipient: "ada@example.com",
  occurredAt: new Date(1513299569_000),
};

const table: [string, Record<string, unknown>, Partial<DeliveryEvent> | undefined][] = [
  ["delivered is delivered", { event: "delivered", response: "250 OK" }, { type: "delivered" }],
  [
    "a bounce of type bounce is a hard bounce with its diagnostic",
    { event: "bounce", type: "bounce", status: "5.0.0", reason: "500 unknown recipient" },
    { type: "bounced", bounce: { kind: "hard", diagnostic: "5.0.0 500 unknown recipient" } },
  ],
  [
    "a bounce of type blocked is a soft bounce",
    { event: "bounce", type: "blocked", status: "4.0.0", reason: "451 rate limited" },
    { type: "bounced", bounce: { kind: "soft", diagnostic: "4.0.0 451 rate limited" } },
  ],
  ["dropped keeps SendGrid's reason", { event: "dropped", reason: "Bounced Address", status: "5.0.0" }, { type: "dropped", reason: "5.0.0 Bounced Address" }],
  ["deferred keeps the receiving server's response", { event: "deferred", response: "400 try again later", attempt: "5" }, { type: "deferred", reason: "400 try again later" }],
  ["open is opened", { event: "open", useragent: "Mozilla/4.0", ip: "255.255.255.255" }, { type: "opened" }],
  ["click is clicked with its URL", { event: "click", url: "https://example.com/welcome" }, { type: "clicked", url: "https://example.com/welcome" }],
  ["spamreport is complained", { event: "spamreport" }, { type: "complained" }],
  ["unsubscribe is unsubscribed", { event: "unsubscribe" }, { type: "unsubscribed" }],
  ["group_unsubscribe is unsubscribed", { event: "group_unsubscribe", asm_group_id: 10 }, { type: "unsubscribed" }],
  ["processed is ignored", { event: "processed" }, undefined],
  ["group_resubscribe and unknown kinds are ignored", { event: "group_resubscribe" }, undefined],
];

describe("SendGrid events to delivery events", () => {
  it.each(table)("%s", (_name, fields, expected) => {
    const result = mapSendGridEvents([{ ...base, ...fields }]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.invalid).toEqual([]);
    expect(result.value.events).toEqual(expected ? [{ ...common, ...expected }] : []);
  });

  it("takes the send API's X-Message-Id from the part of sg_message_id before the first dot", () => {
    const result = mapSendGridEvents([{ ...base, event: "delivered", sg_message_id: "xx6ciNGWTaGEx3JgWGDA7A.filterdrecv-5f8c4c6b6-9jblx-1-5E8C7E29-12.0" }]);
    expect(result.ok && result.value.events[0]?.providerMessageId).toBe("xx6ciNGWTaGEx3JgWGDA7A");
  });

  it("maps an event without our custom arg and leaves notificationId out", () => {
    const { tidings_notification_id: _, ...withoutArg } = base;
    const result = mapSendGridEvents([{ ...withoutArg, event: "delivered" }]);
    expect(result.ok && result.value.events[0]).not.toHaveProperty("notificationId");
  });

  it("maps the good entries of a batch and lists the bad ones by index", () => {
    const result = mapSendGridEvents([{ ...base, event: "delivered" }, { event: "bounce" }, "nonsense", { ...base, event: "open", sg_event_id: "e2" }]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.events.map((e) => e.type)).toEqual(["delivered", "opened"]);
    expect(result.value.invalid.map((i) => i.index)).toEqual([1, 2]);
  });

  it("refuses a body that is not an array", () => {
    expect(mapSendGridEvents({ event: "delivered" })).toMatchObject({ ok: false, error: { code: "MALFORMED_PAYLOAD" } });
  });
});
