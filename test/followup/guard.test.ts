import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { guardSettings, tripReason } from "../../src/followup/guard";
import type { ResumeResult, SendingState } from "../../src/followup/routes/sending/schema";
import type { WebhookReceipt } from "../../src/followup/routes/webhooks/schema";
import type { z } from "zod";
import { call } from "../fixtures/http";
import { storePendingComment } from "../fixtures/ingest";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, testEnv } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { TEST_SENDGRID_API_KEY } from "../setup/constants";
import { postSendGrid, sendGridAccount, sendGridEvent } from "../fixtures/webhook-signers";
import { alertsMentioning, organizationRow, storeSent } from "../fixtures/followup";
import { withServices } from "../fixtures/services";

const settings = guardSettings(testEnv());

describe("bounce-rate guard thresholds", () => {
  it("judges nothing below the minimum sample, and trips exactly at each threshold", () => {
    expect(settings).toMatchObject({ window: 1000, minSample: 100, bounceRate: 0.03, complaintRate: 0.001 });
    expect(tripReason({ sample: 99, bounced: 50, complained: 50 }, settings)).toBeUndefined();
    expect(tripReason({ sample: 100, bounced: 2, complained: 0 }, settings)).toBeUndefined();
    expect(tripReason({ sample: 100, bounced: 3, complained: 0 }, settings)).toMatch(/^bounce rate 3\.00%/);
    expect(tripReason({ sample: 1000, bounced: 29, complained: 0 }, settings)).toBeUndefined();
    expect(tripReason({ sample: 1000, bounced: 0, complained: 1 }, settings)).toMatch(/^complaint rate 0\.10%/);
  });
});

describe("bounce-rate guard", () => {
  it("pauses the organisation when hard bounces reach 3% of its last sends, alerts once, and shows it in GET /v1/sending", async () => {
    const org = await createOrganization();
    const account = await sendGridAccount();
    const view = await configureProviders(org.apiKey, [
      { provider: "sendgrid", apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), webhookPublicKey: account.publicKey },
    ]);
    const path = `/webhooks/sendgrid/${view.providers[0]?.id}`;
    const sent = await storeSent(org.organizationId, "sendgrid", 100);
    const at = (i: number) => {
      const n = sent[i];
      if (!n) throw new Error(`no notification ${i}`);
      return n;
    };
    const bounce = (i: number) => sendGridEvent("bounce", at(i), { type: "bounce" });
    const viewer = await org.keyFor("viewer");

    await postSendGrid<WebhookReceipt>(path, account, [bounce(0), bounce(1), sendGridEvent("bounce", at(2), { type: "blocked" })]);
    const before = await call<SendingState>("GET", "/v1/sending", { key: viewer });
    expect(before.body).toMatchObject({ paused: false, rates: { sample: 100, bounced: 2, complained: 0, bounceRate: 0.02 } });

    await postSendGrid(path, account, [bounce(3)]);
    const after = await call<SendingState>("GET", "/v1/sending", { key: viewer });
    expect(after.body).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/^bounce rate 3\.00% over the last 100 sent emails/), rates: { bounced: 3 } });

    await postSendGrid(path, account, [bounce(4)]);
    // The alert is posted after the response (waitUntil): wait for it, then make sure it is the only one.
    const alerts = await vi.waitFor(async () => {
      const posted = await alertsMentioning(org.organizationId);
      expect(posted).toHaveLength(1);
      return posted;
    });
    expect(alerts[0]?.json).toMatchObject({ text: expect.stringContaining("Sending paused"), blocks: expect.any(Array) });
    const audited = await withServices(({ db }) => db.execute(sql`SELECT action FROM audit_log WHERE organization_id = ${org.organizationId}::uuid AND actor_type = 'system'`));
    expect(audited.rows).toEqual([{ action: "sending.pause" }]);

    // While paused, non-critical mail waits and critical mail still goes.
    const held = await postComment(org.apiKey);
    await waitForStatus(held.notificationId, ["paused"]);
    const critical = await postComment(org.apiKey, undefined, { type: "security.alert" });
    await waitForStatus(critical.notificationId, ["sent"]);
    expect(await receivedBy(held.email)).toHaveLength(0);
  });

  it("lets only an admin resume: the pause clears and the held notifications are sent", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await withServices(async ({ db }) => {
      await db.execute(sql`UPDATE organizations SET sending_paused_at = now(), sending_paused_reason = 'test' WHERE id = ${org.organizationId}::uuid`);
      await db.execute(sql`UPDATE notifications SET status = 'paused' WHERE id = ${notificationId}::uuid`);
    });
    expect((await call<SendingState>("GET", "/v1/sending", { key: org.apiKey })).body).toMatchObject({ paused: true, held: 1 });

    const refused = await call("POST", "/v1/sending/resume", { key: await org.keyFor("editor") });
    expect(refused.status).toBe(403);
    const resumed = await call<z.infer<typeof ResumeResult>>("POST", "/v1/sending/resume", { key: org.apiKey });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body).toEqual({ wasPaused: true, requeued: 1, enqueueFailures: 0 });

    await waitForStatus(notificationId, ["sent"]);
    expect(await receivedBy(email)).toHaveLength(1);
    expect(await organizationRow(org.organizationId)).toMatchObject({ sendingPausedAt: null, sendingPausedReason: null, sendingResumedAt: expect.any(Date) });
  });

  it("judges only mail sent after a resume: old bounces arriving late do not pause again, new ones at the threshold do", async () => {
    const org = await createOrganization();
    const account = await sendGridAccount();
    const view = await configureProviders(org.apiKey, [
      { provider: "sendgrid", apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), webhookPublicKey: account.publicKey },
    ]);
    const path = `/webhooks/sendgrid/${view.providers[0]?.id}`;
    const bounceOf = (batch: Awaited<ReturnType<typeof storeSent>>, i: number) => {
      const n = batch[i];
      if (!n) throw new Error(`no notification ${i}`);
      return sendGridEvent("bounce", n, { type: "bounce" });
    };
    const state = async () => (await call<SendingState>("GET", "/v1/sending", { key: org.apiKey })).body;

    const before = await storeSent(org.organizationId, "sendgrid", 100);
    await postSendGrid(path, account, [bounceOf(before, 0), bounceOf(before, 1), bounceOf(before, 2)]);
    expect(await state()).toMatchObject({ paused: true, resumedAt: null });
    expect((await call("POST", "/v1/sending/resume", { key: org.apiKey })).status).toBe(200);

    // Two more bounces of mail sent before the resume: 5 of the last 100 sends, but none since the resume.
    await postSendGrid(path, account, [bounceOf(before, 3), bounceOf(before, 4)]);
    expect(await state()).toMatchObject({ paused: false, resumedAt: expect.any(String), rates: { sample: 0, bounced: 0 } });

    const after = await storeSent(org.organizationId, "sendgrid", 100);
    await postSendGrid(path, account, [bounceOf(after, 0), bounceOf(after, 1)]);
    expect(await state()).toMatchObject({ paused: false, rates: { sample: 100, bounced: 2 } });
    await postSendGrid(path, account, [bounceOf(after, 2)]);
    expect(await state()).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/^bounce rate 3\.00% over the last 100 sent emails/) });
  });
});
