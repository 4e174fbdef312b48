import { env } from "cloudflare:test";
import { expect, vi } from "vitest";
import type { GetNotificationResponse } from "../../src/routes/notifications/get";
import { call } from "../fixtures/http";
import { postComment } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { TEST_SENDGRID_API_KEY } from "../setup/constants";
import { sendGridAccount } from "./signers";

/** An organisation whose own SendGrid account (the fake) has a webhook key; events go to its URL. */
export async function organizationWithSendGrid() {
  const org = await createOrganization();
  const account = await sendGridAccount();
  const view = await configureProviders(org.apiKey, [{ provider: "sendgrid", apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), webhookPublicKey: account.publicKey }]);
  return { ...org, account, path: `/webhooks/sendgrid/${view.providers[0]?.id}` };
}

/** Comments go into windows that close at two items, so two events make one digest email at once. */
export async function digestingOrganization() {
  const { account, path, ...org } = await organizationWithSendGrid();
  const defaults = await call("PUT", "/v1/preference-defaults", { key: org.apiKey, body: { categories: { comments: { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 2 } } } } });
  expect(defaults.status, JSON.stringify(defaults.body)).toBe(200);
  return { org, account, path };
}

export const viewOf = async (apiKey: string, id: string) => (await call<GetNotificationResponse>("GET", `/v1/notifications/${id}`, { key: apiKey })).body;

/** Posts two comments to one recipient and waits until their digest email has gone out. */
export async function sentDigest(apiKey: string) {
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
