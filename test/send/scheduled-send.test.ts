import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { CreateEventRequest, CreateEventResponse } from "../../src/ingest/routes/create-event";
import type { ErrorBody } from "../../src/platform/errors";
import { sweepNotifications } from "../../src/send/sweep";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { loadNotification, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { deliverSends, fetchWith, ingestCommentAt, recordingQueue } from "../fixtures/scheduled";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { withServices } from "../fixtures/services";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sweepAt = (at: Date) => withServices((s) => sweepNotifications(s, at));

const comment = (sendAt: Date, email = uniqueEmail("scheduled")): CreateEventRequest => ({
  type: "comment.created",
  recipients: [{ id: `user-${crypto.randomUUID()}`, email, name: "Ada" }],
  data: { author: "Grace", task: "Ship v1", comment: "Later", url: "https://app.test/t/1" },
  sendAt: sendAt.toISOString(),
});

describe("scheduled send", () => {
  it("answers an event two days ahead with scheduled notifications and no queue message, since that is beyond the queue's 12-hour delay", async () => {
    const org = await createOrganization();
    const queue = recordingQueue();
    const res = await fetchWith<CreateEventResponse>(
      { NOTIFICATION_QUEUE: queue.queue, PRIORITY_QUEUE: queue.queue },
      "POST",
      "/v1/events",
      org.apiKey,
      comment(new Date(Date.now() + 2 * DAY)),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.notifications.map((n) => n.status)).toEqual(["scheduled"]);
    expect(queue.sent).toEqual([]);
  });

  it("holds an event two days ahead through a sweep a day later, and a sweep after sendAt releases it and it is sent once", async () => {
    const org = await createOrganization();
    const now = new Date();
    // Posted two days (and a minute) ago for two days later: due a minute ago, by the real clock.
    const postedAt = new Date(now.getTime() - 2 * DAY - 60_000);
    const sendAt = new Date(postedAt.getTime() + 2 * DAY);
    const { email, stored, notificationId } = await ingestCommentAt(org.organizationId, postedAt, { sendAt: sendAt.toISOString() });
    expect(stored.notifications.map((n) => n.status)).toEqual(["scheduled"]);
    expect(await loadNotification(notificationId)).toMatchObject({ status: "scheduled", retryAt: sendAt, queuedAt: null });

    await sweepAt(new Date(postedAt.getTime() + DAY));
    expect((await loadNotification(notificationId)).status).toBe("scheduled");
    expect(await receivedBy(email)).toHaveLength(0);

    const report = await sweepAt(now);
    expect(report.released).toBeGreaterThanOrEqual(1);
    await waitForStatus(notificationId, ["sent"]);
    // The next minute's sweep, and a delayed message arriving after all, change nothing.
    await sweepAt(now);
    await deliverSends([notificationId]);
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("sends an event one hour ahead through the queue's delay: the message carries the delay and, arriving early, sends nothing", async () => {
    const org = await createOrganization();
    const queue = recordingQueue();
    const sendAt = new Date(Date.now() + HOUR);
    const email = uniqueEmail("delayed");
    const res = await fetchWith<CreateEventResponse>({ NOTIFICATION_QUEUE: queue.queue, PRIORITY_QUEUE: queue.queue }, "POST", "/v1/events", org.apiKey, comment(sendAt, email));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.notifications[0]?.id ?? "";
    expect(queue.sent.map((m) => m.body)).toEqual([{ kind: "send", notificationId: id }]);
    expect(queue.sent[0]?.delaySeconds).toBeGreaterThan(HOUR / 1000 - 60);
    expect(queue.sent[0]?.delaySeconds).toBeLessThanOrEqual(HOUR / 1000);

    await deliverSends([id]);
    expect((await loadNotification(id)).status).toBe("scheduled");
    expect(await receivedBy(email)).toHaveLength(0);
  });

  it("sends once when the delayed message comes due while a sweep releases the same rows", async () => {
    const org = await createOrganization();
    const now = new Date();
    const postedAt = new Date(now.getTime() - HOUR - 60_000);
    const recipients = Array.from({ length: 5 }, (_, i) => ({ id: `user-${i}-${crypto.randomUUID()}`, email: uniqueEmail("race"), name: "Ada" }));
    const { stored } = await ingestCommentAt(org.organizationId, postedAt, { sendAt: new Date(postedAt.getTime() + HOUR).toISOString(), recipients });
    const ids = stored.notifications.map((n) => n.id);
    await Promise.all([deliverSends(ids), sweepAt(now)]);
    for (const id of ids) await waitForStatus(id, ["sent"]);
    for (const r of recipients) expect(await receivedBy(r.email)).toHaveLength(1);
  });

  it("refuses an event 31 days ahead with a 422 naming sendAt, and writes nothing", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/events", { key: org.apiKey, body: comment(new Date(Date.now() + 31 * DAY)) });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe("UNPROCESSABLE_ENTITY");
    expect(res.body.error.fields?.map((f) => f.path)).toEqual(["sendAt"]);
    const written = await withDb((db) => db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events WHERE organization_id = ${org.organizationId}::uuid`));
    expect(written.rows[0]?.n).toBe(0);
  });

  it("sends an event whose sendAt has already passed at once", async () => {
    const org = await createOrganization();
    const email = uniqueEmail("past");
    const res = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body: comment(new Date(Date.now() - HOUR), email) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.notifications.map((n) => n.status)).toEqual(["queued"]);
    await waitForStatus(res.body.notifications[0]?.id ?? "", ["sent"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("releases more due rows than one statement moves, chunk by chunk, in one sweep", async () => {
    const org = await createOrganization();
    const now = new Date();
    const postedAt = new Date(now.getTime() - DAY);
    const recipients = Array.from({ length: 7 }, (_, i) => ({ id: `user-${i}-${crypto.randomUUID()}`, email: uniqueEmail("chunk"), name: "Ada" }));
    const { stored } = await ingestCommentAt(org.organizationId, postedAt, { sendAt: new Date(now.getTime() - 60_000).toISOString(), recipients });
    const report = await withServices((s) => sweepNotifications(s, now, { chunk: 3 }));
    expect(report.released).toBeGreaterThanOrEqual(7);
    for (const n of stored.notifications) await waitForStatus(n.id, ["sent"]);
  });
});
