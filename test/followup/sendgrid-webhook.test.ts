import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import { isSuppressed } from "../../src/decide/suppression-check";
import type { WebhookReceipt } from "../../src/followup/routes/webhooks/schema";
import { call } from "../fixtures/http";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { organizationWithSendGrid } from "../fixtures/sendgrid-organization";
import { nowSeconds, postSendGrid, type SendGridAccount, sendGridAccount, sendGridEvent, sharedSendGridAccount } from "../fixtures/webhook-signers";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { eventsOf, statusOf, storeSent, suppressionOf } from "../fixtures/followup";
import { withServices } from "../fixtures/services";

const post = (path: string, account: SendGridAccount, events: Record<string, unknown>[]) => postSendGrid<WebhookReceipt>(path, account, events);

describe("SendGrid webhooks, end to end", () => {
  it("unsubscribes the recipient from all non-critical mail on an unsubscribe event, once, with an audit row naming the provider", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("one notification was stored");
    const unsubscribe = sendGridEvent("unsubscribe", sent);
    await post(org.path, org.account, [unsubscribe]);
    await post(org.path, org.account, [sendGridEvent("unsubscribe", sent)]);
    const state = await withServices(async ({ db }) => ({
      recipient: (await db.execute<{ unsubscribed: boolean }>(sql`SELECT unsubscribed_at IS NOT NULL AS unsubscribed FROM recipients WHERE id = ${sent.recipientId}::uuid`))
        .rows[0],
      audit: (
        await db.execute(sql`SELECT actor_type, actor_id, action, target_id, via FROM audit_log WHERE organization_id = ${org.organizationId}::uuid AND actor_type = 'recipient'`)
      ).rows,
    }));
    expect(state.recipient).toEqual({ unsubscribed: true });
    expect(state.audit).toEqual([
      { actor_type: "recipient", actor_id: sent.recipientId, action: "recipient.unsubscribe_all", target_id: sent.recipientId, via: "provider:sendgrid" },
    ]);
  });

  it("marks an email sent through the SendGrid fake bounced on a signed hard bounce, and suppresses its address", async () => {
    const org = await organizationWithSendGrid();
    const { email, notificationId } = await postComment(org.apiKey);
    const sent = await waitForStatus(notificationId, ["sent"]);
    const [mail] = await receivedBy(email);
    expect(mail?.body.custom_args?.tidings_notification_id).toBe(notificationId);

    const bounce = sendGridEvent(
      "bounce",
      { messageId: sent.providerMessageId ?? "", notificationId, email },
      { type: "bounce", status: "5.1.1", reason: `550 5.1.1 <${email}>: Recipient address rejected` },
    );
    const res = await post(org.path, org.account, [bounce]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ received: 1, stored: 1, duplicates: 0 });

    expect(await statusOf(notificationId)).toBe("bounced");
    expect(await suppressionOf(org.organizationId, email.toUpperCase())).toMatchObject({ reason: "hard_bounce", detail: expect.not.stringContaining(email) });
    const [stored] = await eventsOf(org.organizationId);
    expect(stored).toMatchObject({ notificationId, type: "bounced", bounceKind: "hard" });
    expect(JSON.stringify(stored?.detail)).not.toContain(email);
    // The send-time check the delivery path calls: even critical mail must not go to a hard bounce.
    const check = await withServices((s) => isSuppressed(s, { organizationId: org.organizationId, email, critical: true }));
    expect(check).toEqual({ ok: true, value: { reason: "hard_bounce" } });

    // And the delivery path honours it: the next event for that recipient reaches no provider.
    const next = await postComment(org.apiKey, email);
    const stopped = await waitForStatus(next.notificationId, ["suppressed"]);
    expect(stopped.failureReason).toBe("address suppressed: hard_bounce");
    expect(stopped.attempts).toHaveLength(0);
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("finds the notification by the provider's message id when no id of ours is echoed", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("no notification");
    const { tidings_notification_id: _, ...spam } = sendGridEvent("spamreport", sent);
    expect((await post(org.path, org.account, [spam])).status).toBe(200);
    expect(await statusOf(sent.notificationId)).toBe("complained");
    expect((await suppressionOf(org.organizationId, sent.email))?.reason).toBe("complaint");
  });
});

describe("SendGrid webhook refusals store nothing", () => {
  it("refuses a tampered body, a signature by another key and a stale timestamp with 401", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("no notification");
    const events = [sendGridEvent("bounce", sent, { type: "bounce" })];

    const tampered = await postSendGrid(org.path, org.account, events, { tamper: (b) => b.replace('"bounce"', '"delivered"') });
    const otherKey = await postSendGrid(org.path, await sendGridAccount(), events);
    const stale = await postSendGrid(org.path, org.account, events, { timestamp: nowSeconds(-3600) });
    for (const [res, code] of [
      [tampered, "BAD_SIGNATURE"],
      [otherKey, "BAD_SIGNATURE"],
      [stale, "STALE_TIMESTAMP"],
    ] as const) {
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect((res.body as ErrorBody).error.message).toMatch(new RegExp(`^${code}`));
    }
    const unsigned = await call<ErrorBody>("POST", org.path, { rawBody: JSON.stringify(events) });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error.code).toBe("BAD_REQUEST");

    expect(await eventsOf(org.organizationId)).toEqual([]);
    expect(await statusOf(sent.notificationId)).toBe("sent");
    expect(await suppressionOf(org.organizationId, sent.email)).toBeUndefined();
  });

  it("answers 404 for a provider configuration that does not exist, and 503 (retried by SendGrid) where no key is configured", async () => {
    const account = await sendGridAccount();
    expect((await postSendGrid(`/webhooks/sendgrid/${crypto.randomUUID()}`, account, [])).status).toBe(404);
    expect((await postSendGrid("/webhooks/sendgrid/not-a-uuid", account, [])).status).toBe(404);
    const org = await createOrganization();
    const keyless = await configureProviders(org.apiKey, [sendgridAt()]);
    const res = await postSendGrid<ErrorBody>(`/webhooks/sendgrid/${keyless.providers[0]?.id}`, account, []);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(res.body.error.message).toMatch(/^INVALID_KEY/);
  });

  it("accepts the shared URL's batches signed with the deployment's key (SENDGRID_WEBHOOK_PUBLIC_KEY), and no other", async () => {
    expect((await post("/webhooks/sendgrid", await sharedSendGridAccount(), [])).status).toBe(200);
    expect((await post("/webhooks/sendgrid", await sendGridAccount(), [])).status).toBe(401);
  });
});

describe("SendGrid events and their effects", () => {
  it("stores the same event delivered twice once, and only the first has effects", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("no notification");
    const soft = sendGridEvent("bounce", sent, { type: "blocked" });
    const first = await post(org.path, org.account, [soft, soft]);
    const again = await post(org.path, org.account, [soft]);
    expect(first.body).toMatchObject({ stored: 1, duplicates: 1 });
    expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await eventsOf(org.organizationId)).toHaveLength(1);
    expect((await suppressionOf(org.organizationId, sent.email))?.softBounces).toBe(1);
  });

  it("does not suppress on a soft bounce, and suppresses on the third in a row; a delivery in between starts the count again", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("no notification");
    const soft = () => sendGridEvent("bounce", sent, { type: "blocked", reason: "452 mailbox full" });

    await post(org.path, org.account, [soft(), soft()]);
    expect(await statusOf(sent.notificationId)).toBe("sent");
    expect(await suppressionOf(org.organizationId, sent.email)).toMatchObject({ softBounces: 2, suppressedAt: null, reason: null });

    await post(org.path, org.account, [sendGridEvent("delivered", sent)]);
    await post(org.path, org.account, [soft(), soft()]);
    expect(await suppressionOf(org.organizationId, sent.email)).toMatchObject({ softBounces: 2, suppressedAt: null });

    await post(org.path, org.account, [soft()]);
    expect(await suppressionOf(org.organizationId, sent.email)).toMatchObject({ reason: "repeated_soft_bounce", suppressedAt: expect.any(Date) });
    expect(await statusOf(sent.notificationId)).toBe("delivered");
  });

  it("never moves a status back: a late delivery after a bounce leaves it bounced; opens and clicks are stored with the URL", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("no notification");
    await post(org.path, org.account, [sendGridEvent("bounce", sent, { type: "bounce" })]);
    await post(org.path, org.account, [sendGridEvent("delivered", sent), sendGridEvent("open", sent), sendGridEvent("click", sent, { url: "https://app.test/t/1" })]);
    expect(await statusOf(sent.notificationId)).toBe("bounced");
    const stored = await eventsOf(org.organizationId);
    expect(stored.map((e) => e.type).sort()).toEqual(["bounced", "clicked", "delivered", "opened"]);
    expect(stored.find((e) => e.type === "clicked")?.detail).toMatchObject({ url: "https://app.test/t/1" });
  });

  it("keeps a per-organisation URL to that organisation's mail: another organisation's notification is untouched", async () => {
    const org = await organizationWithSendGrid();
    const other = await createOrganization("Other");
    const [theirs] = await storeSent(other.organizationId, "sendgrid");
    if (!theirs) throw new Error("no notification");
    const res = await post(org.path, org.account, [sendGridEvent("spamreport", theirs)]);
    expect(res.status).toBe(200);
    expect(await statusOf(theirs.notificationId)).toBe("sent");
    expect(await suppressionOf(other.organizationId, theirs.email)).toBeUndefined();
    expect(await eventsOf(other.organizationId)).toEqual([]);
  });
});
