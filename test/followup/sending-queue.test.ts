import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { SendingState } from "../../src/followup/routes/sending/schema";
import { digests, notifications } from "../../src/platform/db/schema";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { storePendingComment } from "../fixtures/ingest";
import { createOrganization } from "../fixtures/organization";

type Status = (typeof notifications.$inferSelect)["status"];
type DigestStatus = (typeof digests.$inferSelect)["status"];

/** `statuses.length` notifications of the organisation, each set to its status, accepted `ageSeconds[i]` ago. */
async function storeNotifications(organizationId: string, rows: { status: Status; ageSeconds: number }[]) {
  const ids: string[] = [];
  for (const _ of rows) ids.push((await storePendingComment(organizationId)).notificationId);
  await withDb(async (db) => {
    for (const [i, row] of rows.entries()) {
      await db
        .update(notifications)
        .set({ status: row.status, createdAt: sql`now() - make_interval(secs => ${row.ageSeconds})` })
        .where(eq(notifications.id, ids[i] ?? ""));
    }
  });
  return ids;
}

async function storeDigests(organizationId: string, notificationId: string, statuses: DigestStatus[]) {
  await withDb(async (db) => {
    const [n] = await db
      .select({ recipientId: notifications.recipientId })
      .from(notifications)
      .where(inArray(notifications.id, [notificationId]));
    if (!n) throw new Error("no notification");
    const now = new Date();
    await db.insert(digests).values(
      statuses.map((status) => {
        const id = crypto.randomUUID();
        return { id, organizationId, recipientId: n.recipientId, category: "comments", key: `${organizationId}:${id}`, kind: "window" as const, status, openedAt: now, dueAt: now };
      }),
    );
  });
}

const sendingState = async (key: string) => {
  const res = await call<SendingState>("GET", "/v1/sending", { key });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe("GET /v1/sending: the queue", () => {
  it("counts the organisation's notifications and digests in flight and ages its oldest waiting notification", async () => {
    const org = await createOrganization();
    const ids = await storeNotifications(org.organizationId, [
      { status: "pending", ageSeconds: 30 },
      { status: "pending", ageSeconds: 5 },
      { status: "queued", ageSeconds: 600 },
      // Being sent is not waiting: an older `sending` row does not set the age.
      { status: "sending", ageSeconds: 7200 },
      { status: "sent", ageSeconds: 9000 },
      { status: "failed", ageSeconds: 9000 },
    ]);
    await storeDigests(org.organizationId, ids[0] ?? "", ["open", "queued", "queued", "sending", "sent"]);

    const { queue } = await sendingState(await org.keyFor("viewer"));
    expect(queue.notifications).toEqual({ pending: 2, queued: 1, sending: 1 });
    expect(queue.digests).toEqual({ queued: 2, sending: 1 });
    expect(queue.oldestWaitingSeconds).toBeGreaterThanOrEqual(600);
    expect(queue.oldestWaitingSeconds).toBeLessThan(660);
  });

  it("answers zeros and a null age when nothing waits, whatever other organisations have queued", async () => {
    const busy = await createOrganization();
    await storeNotifications(busy.organizationId, [{ status: "queued", ageSeconds: 100 }]);
    const idle = await createOrganization();
    await storeNotifications(idle.organizationId, [{ status: "sent", ageSeconds: 100 }]);

    expect((await sendingState(idle.apiKey)).queue).toEqual({
      notifications: { pending: 0, queued: 0, sending: 0 },
      digests: { queued: 0, sending: 0 },
      oldestWaitingSeconds: null,
    });
    expect((await sendingState(busy.apiKey)).queue).toMatchObject({ notifications: { queued: 1 }, oldestWaitingSeconds: expect.any(Number) });
  });
});
