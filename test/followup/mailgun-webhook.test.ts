import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { WebhookReceipt } from "../../src/followup/routes/webhooks/schema";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN } from "../setup/constants";
import { TEST_MAILGUN_WEBHOOK_KEY } from "../fixtures/webhook-keys";
import { mailgunBody, mailgunEvent, nowSeconds } from "../fixtures/webhook-signers";
import { eventsOf, statusOf, storeSent, suppressionOf } from "../fixtures/followup";

const post = (path: string, body: unknown) => call<WebhookReceipt & ErrorBody>("POST", path, { body });

async function sentThroughMailgun() {
  const org = await createOrganization();
  const [sent] = await storeSent(org.organizationId, "mailgun");
  if (!sent) throw new Error("no notification");
  return { org, sent };
}

describe("Mailgun webhooks", () => {
  it("applies a signed permanent failure on the shared URL and refuses the same token a second time", async () => {
    const { org, sent } = await sentThroughMailgun();
    const body = await mailgunBody(
      TEST_MAILGUN_WEBHOOK_KEY,
      mailgunEvent("failed", sent, { severity: "permanent", reason: "bounce", "delivery-status": { code: 550, message: "5.1.1 no such user" } }),
    );

    const first = await post("/webhooks/mailgun", body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ stored: 1 });
    expect(await statusOf(sent.notificationId)).toBe("bounced");
    expect((await suppressionOf(org.organizationId, sent.email))?.reason).toBe("hard_bounce");

    const replay = await post("/webhooks/mailgun", body);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/^REPLAYED_TOKEN/);
    expect(await eventsOf(org.organizationId)).toHaveLength(1);
  });

  it("refuses a wrong key, a stale timestamp and a tampered signature with 401, storing nothing", async () => {
    const { org, sent } = await sentThroughMailgun();
    const event = mailgunEvent("complained", sent);
    const wrongKey = await mailgunBody("not-the-signing-key", event);
    const stale = await mailgunBody(TEST_MAILGUN_WEBHOOK_KEY, event, { timestamp: nowSeconds(-3600) });
    const tampered = await mailgunBody(TEST_MAILGUN_WEBHOOK_KEY, event);
    tampered.signature.timestamp = String(Number(tampered.signature.timestamp) - 1);

    for (const [body, code] of [
      [wrongKey, "BAD_SIGNATURE"],
      [stale, "STALE_TIMESTAMP"],
      [tampered, "BAD_SIGNATURE"],
    ] as const) {
      const res = await post("/webhooks/mailgun", body);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.error.message).toMatch(new RegExp(`^${code}`));
    }
    expect((await post("/webhooks/mailgun", { "event-data": event })).status).toBe(400);
    expect(await eventsOf(org.organizationId)).toEqual([]);
    expect(await statusOf(sent.notificationId)).toBe("sent");
  });

  it("verifies a per-organisation URL with that account's signing key, and records a complaint there", async () => {
    const { org, sent } = await sentThroughMailgun();
    const signingKey = `key-${crypto.randomUUID()}`;
    const view = await configureProviders(org.apiKey, [
      { provider: "mailgun", apiKey: TEST_MAILGUN_API_KEY, domain: TEST_MAILGUN_DOMAIN, baseUrl: String(env.MAILGUN_FAKE_URL), webhookSigningKey: signingKey },
    ]);
    expect(JSON.stringify(view.providers[0]?.settings)).not.toContain(signingKey);
    const path = `/webhooks/mailgun/${view.providers[0]?.id}`;

    expect((await post(path, await mailgunBody(TEST_MAILGUN_WEBHOOK_KEY, mailgunEvent("complained", sent)))).status).toBe(401);
    const res = await post(path, await mailgunBody(signingKey, mailgunEvent("complained", sent)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await statusOf(sent.notificationId)).toBe("complained");
    expect((await suppressionOf(org.organizationId, sent.email))?.reason).toBe("complaint");
  });

  it("treats a temporary failure as deferred: stored, no status change, no soft-bounce count", async () => {
    const { org, sent } = await sentThroughMailgun();
    const res = await post("/webhooks/mailgun", await mailgunBody(TEST_MAILGUN_WEBHOOK_KEY, mailgunEvent("failed", sent, { severity: "temporary", reason: "greylisted" })));
    expect(res.body).toMatchObject({ stored: 1 });
    expect(await statusOf(sent.notificationId)).toBe("sent");
    expect(await suppressionOf(org.organizationId, sent.email)).toBeUndefined();
    expect((await eventsOf(org.organizationId))[0]?.type).toBe("deferred");
  });
});
