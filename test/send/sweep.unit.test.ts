import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { notifications } from "../../src/platform/db/schema";
import worker from "../../src/index";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification, waitForStatus } from "../fixtures/notifications";
import { createOrganization, testEnv } from "../fixtures/organization";
import { receivedBy } from "../fixtures/sendgrid-fake";

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
