import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { GetNotificationResponse } from "../../src/routes/notifications/get";
import type { SendingState } from "../../src/routes/sending/schema";
import { call } from "../fixtures/http";
import { postComment } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { TEST_SENDGRID_API_KEY } from "../setup/constants";
import { postSendGrid, sendGridAccount, sendGridEvent } from "./signers";
import { storeSent, suppressionOf, withServices } from "./support";

/** Comments go into windows that close at two items, so two events make one digest email at once. */
async function digestingOrganization() {
  const org = await createOrganization();
  const account = await sendGridAccount();
  const view = await configureProviders(org.apiKey, [{ provider: "sendgrid", apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), webhookPublicKey: account.publicKey }]);
  const defaults = await call("PUT", "/v1/preference-defaults", { key: org.apiKey, body: { categories: { comments: { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 2 } } } } });
  expect(defaults.status, JSON.stringify(defaults.body)).toBe(200);
  return { org, account, path: `/webhooks/sendgrid/${view.providers[0]?.id}` };
}

const viewOf = async (apiKey: string, id: string) => (await call<GetNotificationResponse>("GET", `/v1/notifications/${id}`, { key: apiKey })).body;

/** Posts two comments to one recipient and waits until their digest email has gone out. */
async function sentDigest(apiKey: string) {
  const email = uniqueEmail("digest");
  const recipient = { id: `user-${crypto.randomUUID()}`, email, name: "Ada" };
  const first = await postComment(apiKey, email, { recipients: [recipient] });
  const second = await postComment(apiKey, email, { recipients: [recipient] });
  const view = await vi.waitFor(
    async () => {
      const v = await viewOf(apiKey, first.notificationId);
      if (v.digest?.status !== "sent") throw new Error(`digest is ${v.digest?.status ?? "not there yet"}`);
      return v;
    },
    { timeout: 20_000, interval: 200 },
  );
  const digest = view.digest;
  if (!digest?.providerMessageId) throw new Error("the sent digest has no provider message id");
  return { email, items: [first.notificationId, second.notificationId], view, digest: { ...digest, providerMessageId: digest.providerMessageId } };
}

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

    const stored = await withServices(({ db }) => db.execute<{ type: string; digest_id: string }>(sql`
      SELECT type, detail->>'digestId' AS digest_id FROM delivery_events WHERE organization_id = ${org.organizationId}::uuid ORDER BY created_at`));
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

    await postSendGrid(path, account, digests.slice(0, 2).map((d) => sendGridEvent("bounce", { messageId: d.digest.providerMessageId, notificationId: d.digest.id, email: d.email }, { type: "bounce" })));
    expect(await state()).toMatchObject({ paused: false, rates: { sample: 100, bounced: 2 } });
    const last = digests[2];
    if (!last) throw new Error("three digests were sent");
    await postSendGrid(path, account, [sendGridEvent("bounce", { messageId: last.digest.providerMessageId, notificationId: last.digest.id, email: last.email }, { type: "bounce" })]);
    expect(await state()).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/^bounce rate 3\.00% over the last 100 sent emails/) });
  });
});
