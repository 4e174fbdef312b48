import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { SendingState } from "../../src/followup/routes/sending/schema";
import { call } from "../fixtures/http";
import { digestingOrganization, sentDigest, viewOf } from "../fixtures/sendgrid-organization";
import { postSendGrid, sendGridEvent } from "../fixtures/webhook-signers";
import { storeSent, suppressionOf } from "../fixtures/followup";
import { withServices } from "../fixtures/services";

describe("provider webhooks about digest emails", () => {
  it("shows a batched notification's rule and the digest it went out in, with the provider's message id", async () => {
    const { org } = await digestingOrganization();
    const { items, view, digest } = await sentDigest(org.apiKey);
    expect(view).toMatchObject({ status: "batched", decisionRule: "organization_digest", digest: { kind: "window", status: "sent", itemCount: 2, provider: "sendgrid" } });
    expect(view.digest?.sentAt).not.toBeNull();
    expect((await viewOf(org.apiKey, items[1] ?? "")).digest?.id).toBe(digest.id);
  });

  it("moves a digest to delivered and then bounced, suppresses the address, and never back down", async () => {
    const { org, account, path } = await digestingOrganization();
    const { email, items, digest } = await sentDigest(org.apiKey);
    const sent = { messageId: digest.providerMessageId, notificationId: digest.id, email };

    await postSendGrid(path, account, [sendGridEvent("delivered", sent)]);
    expect((await viewOf(org.apiKey, items[0] ?? "")).digest?.status).toBe("delivered");
    await postSendGrid(path, account, [sendGridEvent("bounce", sent, { type: "bounce", reason: `550 5.1.1 <${email}>: no such user` })]);
    await postSendGrid(path, account, [sendGridEvent("delivered", sent)]);
    expect((await viewOf(org.apiKey, items[0] ?? "")).digest?.status).toBe("bounced");
    expect((await suppressionOf(org.organizationId, email))?.reason).toBe("hard_bounce");

    const stored = await withServices(({ db }) =>
      db.execute<{ type: string; digest_id: string }>(sql`
      SELECT type, detail->>'digestId' AS digest_id FROM delivery_events WHERE organization_id = ${org.organizationId}::uuid ORDER BY created_at`),
    );
    expect(stored.rows).toEqual([
      { type: "delivered", digest_id: digest.id },
      { type: "bounced", digest_id: digest.id },
      { type: "delivered", digest_id: digest.id },
    ]);
  });

  it("matches a digest email by the provider's message id when the event carries no id of ours", async () => {
    const { org, account, path } = await digestingOrganization();
    const { email, items, digest } = await sentDigest(org.apiKey);
    const { tidings_notification_id: _echoed, ...bare } = sendGridEvent("delivered", { messageId: digest.providerMessageId, notificationId: digest.id, email });
    await postSendGrid(path, account, [bare]);
    expect((await viewOf(org.apiKey, items[0] ?? "")).digest?.status).toBe("delivered");
  });

  it("counts digest emails in the bounce-rate guard's sample, so bounced digests alone can pause sending", async () => {
    const { org, account, path } = await digestingOrganization();
    await storeSent(org.organizationId, "sendgrid", 97);
    const digests = [await sentDigest(org.apiKey), await sentDigest(org.apiKey), await sentDigest(org.apiKey)];
    const state = async () => (await call<SendingState>("GET", "/v1/sending", { key: org.apiKey })).body;

    await postSendGrid(
      path,
      account,
      digests.slice(0, 2).map((d) => sendGridEvent("bounce", { messageId: d.digest.providerMessageId, notificationId: d.digest.id, email: d.email }, { type: "bounce" })),
    );
    expect(await state()).toMatchObject({ paused: false, rates: { sample: 100, bounced: 2 } });
    const last = digests[2];
    if (!last) throw new Error("three digests were sent");
    await postSendGrid(path, account, [
      sendGridEvent("bounce", { messageId: last.digest.providerMessageId, notificationId: last.digest.id, email: last.email }, { type: "bounce" }),
    ]);
    expect(await state()).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/^bounce rate 3\.00% over the last 100 sent emails/) });
  });
});
