import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { notifications } from "../../src/platform/db/schema";
import worker from "../../src/index";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification, waitForStatus } from "../fixtures/notifications";
import { createOrganization, testEnv } from "../fixtures/organization";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { withServices } from "../fixtures/services";
import { withDb } from "../fixtures/database";
import { sweepNotifications } from "../../src/send/sweep";
import { resumeSending } from "../../src/followup/resume";

async function runSweep(at: Date) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: at.getTime() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

describe("cron sweeper", () => {
  it("re-enqueues a notification left pending after a failed queue send, and it is sent once", async () => {
    const org = await createOrganization();
    // Stored but never enqueued: exactly the state a queue send failing after the commit leaves.
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await runSweep(minutesFromNow(5));
    expect(["queued", "sending", "sent"]).toContain((await loadNotification(notificationId)).status);
    await waitForStatus(notificationId, ["sent"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("leaves a fresh pending notification alone within the grace period", async () => {
    const org = await createOrganization();
    const { notificationId } = await storePendingComment(org.organizationId);
    await runSweep(new Date());
    expect((await loadNotification(notificationId)).status).toBe("pending");
  });

  it("takes over a send whose lease expired (the consumer died mid-send) and sends it", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    const { db, close } = openDatabase(testEnv());
    await db.update(notifications).set({ status: "sending", attempts: 1, leaseExpiresAt: sql`now() + interval '2 minutes'` }).where(eq(notifications.id, notificationId));
    await close();

    await runSweep(new Date());
    expect((await loadNotification(notificationId)).status).toBe("sending");

    await runSweep(minutesFromNow(3));
    await waitForStatus(notificationId, ["sent"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });
});

describe("sweeps that neither miss nor overflow", () => {
  it("enqueues again a queued notification whose message was due long ago (lost past the queue's retention), and it is sent once", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await withDb((db) => db.update(notifications).set({ status: "queued", retryAt: sql`now() - interval '20 minutes'` }).where(eq(notifications.id, notificationId)));
    await runSweep(new Date());
    await waitForStatus(notificationId, ["sent"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("leaves alone a queued notification whose message is merely due", async () => {
    const org = await createOrganization();
    const { notificationId } = await storePendingComment(org.organizationId);
    await withDb((db) => db.update(notifications).set({ status: "queued", retryAt: sql`now() + interval '10 minutes'` }).where(eq(notifications.id, notificationId)));
    const report = await withServices((s) => sweepNotifications(s, new Date(), { chunk: 10 }));
    expect(report.staleQueued).toBe(0);
    expect((await loadNotification(notificationId)).status).toBe("queued");
  });

  it("takes back more lapsed leases than one statement handles, chunk by chunk, in one sweep", async () => {
    const org = await createOrganization();
    const ids = (await Promise.all(Array.from({ length: 25 }, () => storePendingComment(org.organizationId)))).map((m) => m.notificationId);
    await withDb((db) => db.update(notifications).set({ status: "sending", attempts: 1, leaseExpiresAt: sql`now() - interval '1 minute'` }).where(inArray(notifications.id, ids)));
    const report = await withServices((s) => sweepNotifications(s, new Date(), { chunk: 10 }));
    expect(report.leasesExpired).toBeGreaterThanOrEqual(25);
    const statuses = await Promise.all(ids.map(async (id) => (await loadNotification(id)).status));
    expect(statuses.every((s) => s !== "sending" && s !== "pending")).toBe(true);
  });

  it("releases more held notifications than one statement handles when sending resumes", async () => {
    const org = await createOrganization();
    const ids = (await Promise.all(Array.from({ length: 25 }, () => storePendingComment(org.organizationId)))).map((m) => m.notificationId);
    await withDb(async (db) => {
      await db.execute(sql`UPDATE organizations SET sending_paused_at = now() WHERE id = ${org.organizationId}::uuid`);
      await db.update(notifications).set({ status: "paused" }).where(inArray(notifications.id, ids));
    });
    const report = await withServices((s) => resumeSending(s, org.organizationId, { chunk: 10 }));
    expect(report).toEqual({ wasPaused: true, requeued: 25, enqueueFailures: 0 });
    const statuses = await Promise.all(ids.map(async (id) => (await loadNotification(id)).status));
    expect(statuses.filter((s) => s === "paused")).toHaveLength(0);
  });
});
