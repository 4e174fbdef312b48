import { createExecutionContext, createMessageBatch, env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import type { SendingState } from "../../src/followup/routes/sending/schema";
import worker from "../../src/index";
import { hashEmail } from "../../src/platform/crypto/email-hash";
import { digests, suppressions } from "../../src/platform/db/schema";
import { alertsMentioning, testHashKey } from "../fixtures/followup";
import { call } from "../fixtures/http";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification } from "../fixtures/notifications";
import { createOrganization, type TestOrganization } from "../fixtures/organization";
import { claim, createRecipient, deliverDigest, digestsOf, notificationRows, setChoice, storeNotifications, windowStub } from "../fixtures/preferences";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { withServices } from "../fixtures/services";

/** A recipient whose `count` comments were decided into one digest window, closed and queued. */
async function closedDigest(org: TestOrganization, count = 2) {
  const r = await createRecipient(org.organizationId, { name: "Robin" });
  await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 10 } });
  const ids = await storeNotifications(org.organizationId, r.id, count);
  await withServices(async (services) => {
    const claimed = await claim(services, ids);
    await recordDecisions(services.db, claimed, await decideNotifications(services, claimed));
  });
  await windowStub(org.organizationId, r.id, "comments").flush({});
  const digestId = await vi.waitFor(async () => {
    const row = (await digestsOf(r.id)).find((d) => d.status !== "open");
    if (!row) throw new Error("digest not closed yet");
    return row.id;
  });
  return { r, ids, digestId };
}

const digestRow = async (id: string) => (await withServices((s) => s.db.select().from(digests).where(eq(digests.id, id))))[0];

async function hardBounced(organizationId: string, email: string) {
  const emailHash = await hashEmail(await testHashKey(), email);
  await withServices((s) => s.db.insert(suppressions).values({ organizationId, emailHash, reason: "hard_bounce", suppressedAt: new Date() }));
}

async function pause(organizationId: string) {
  await withServices((s) => s.db.execute(sql`UPDATE organizations SET sending_paused_at = now(), sending_paused_reason = 'test' WHERE id = ${organizationId}::uuid`));
}

async function sendNotification(notificationId: string) {
  const batch = createMessageBatch("tidings-notifications", [{ id: `m-${notificationId}`, timestamp: new Date(), attempts: 1, body: { kind: "send", notificationId } }]);
  await worker.queue(batch, env, createExecutionContext());
}

describe("one send pipeline for notifications and digests", () => {
  it("ends a digest and its items `suppressed`, reaching no provider, when its recipient hard-bounced after the items were batched", async () => {
    const org = await createOrganization();
    const { r, ids, digestId } = await closedDigest(org);
    await hardBounced(org.organizationId, r.email);

    expect(await withServices((s) => deliverDigest(s, digestId))).toEqual({ retry: false });
    expect(await digestRow(digestId)).toMatchObject({ status: "suppressed", failureReason: "address suppressed: hard_bounce", attemptLog: [] });
    expect((await notificationRows(ids)).map((n) => n.status)).toEqual(["suppressed", "suppressed"]);
    expect(await receivedBy(r.email)).toHaveLength(0);
  });

  it("holds a paused organisation's digest like its notifications, and sends it once sending resumes", async () => {
    const org = await createOrganization();
    const { r, digestId } = await closedDigest(org, 3);
    const notification = await storePendingComment(org.organizationId);
    await pause(org.organizationId);

    await withServices((s) => deliverDigest(s, digestId));
    await sendNotification(notification.notificationId);
    expect((await digestRow(digestId))?.status).toBe("paused");
    expect((await loadNotification(notification.notificationId)).status).toBe("paused");
    expect((await call<SendingState>("GET", "/v1/sending", { key: org.apiKey })).body).toMatchObject({ paused: true, held: 2 });
    expect(await receivedBy(r.email)).toHaveLength(0);

    const resumed = await call("POST", "/v1/sending/resume", { key: org.apiKey });
    expect(resumed.body).toEqual({ wasPaused: true, requeued: 2, enqueueFailures: 0 });
    // The real queue consumer sends them: under a full suite its batch can take longer than waitFor's default second.
    const patience = { timeout: 15_000, interval: 100 };
    const mail = await vi.waitFor(async () => {
      const received = await receivedBy(r.email);
      if (received.length === 0) throw new Error("the digest has not arrived yet");
      return received;
    }, patience);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body.subject).toBe("3 new updates from Acme");
    await vi.waitFor(async () => expect((await digestRow(digestId))?.status).toBe("sent"), patience);
    await vi.waitFor(async () => expect(await receivedBy(notification.email)).toHaveLength(1), patience);
  });

  it("raises the same circuit-opened alert when a digest's send opens a circuit as when a notification's does", async () => {
    const [forNotification, forDigest] = await Promise.all([createOrganization(), createOrganization()]);
    const circuitOf = async (org: TestOrganization) => {
      const view = await configureProviders(org.apiKey, [sendgridAt("SG.revoked-key"), sendgridAt()]);
      return `sendgrid:${view.providers[0]?.id}`;
    };
    const [notificationCircuit, digestCircuit] = await Promise.all([circuitOf(forNotification), circuitOf(forDigest)]);

    const notification = await storePendingComment(forNotification.organizationId);
    await sendNotification(notification.notificationId);
    const { r, digestId } = await closedDigest(forDigest);
    await withServices((s) => deliverDigest(s, digestId));

    // Both went out through the second provider, and each opened circuit raised one alert.
    expect(await receivedBy(notification.email)).toHaveLength(1);
    expect(await receivedBy(r.email)).toHaveLength(1);
    const opened = async (circuit: string) => (await alertsMentioning(circuit)).filter((a) => (a.json as { text: string }).text.includes(`circuit ${circuit} opened`));
    const [fromNotification, fromDigest] = await Promise.all([opened(notificationCircuit), opened(digestCircuit)]);
    expect(fromNotification).toHaveLength(1);
    expect(fromDigest).toHaveLength(1);
    const text = (posts: typeof fromDigest, circuit: string) => (posts[0]?.json as { text: string } | undefined)?.text.replaceAll(circuit, "<circuit>");
    expect(text(fromDigest, digestCircuit)).toBe(text(fromNotification, notificationCircuit));

    // And each organisation finds it in its own alerts, not in the other's.
    for (const [org, circuit] of [
      [forNotification, notificationCircuit],
      [forDigest, digestCircuit],
    ] as const) {
      const listed = await call<{ entries: { kind: string; details: { circuit?: string } }[] }>("GET", "/v1/alerts?kind=circuit_open", { key: org.apiKey });
      expect(listed.body.entries.map((e) => e.details.circuit)).toEqual([circuit]);
    }
  });
});
