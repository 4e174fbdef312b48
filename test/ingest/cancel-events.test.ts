import { describe, expect, it, vi } from "vitest";
import type { CancelEventsResponse } from "../../src/ingest/routes/cancel-events";
import type { CreateEventResponse } from "../../src/ingest/routes/create-event";
import type { ErrorBody } from "../../src/platform/errors";
import { sweepNotifications } from "../../src/send/sweep";
import { auditRows } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { loadNotification, postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { deliverDigest, digestsOf, notificationRows } from "../fixtures/preferences";
import { deliverSends, ingestCommentAt, keyEventsOf, openDigestWindow, setStatus } from "../fixtures/scheduled";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { withServices } from "../fixtures/services";

const DAY = 86_400_000;
const newKey = () => `reminder-${crypto.randomUUID()}`;
const cancel = (apiKey: string, key: string) => call<CancelEventsResponse & ErrorBody>("DELETE", `/v1/events/cancel/${encodeURIComponent(key)}`, { key: apiKey });
const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

async function postScheduled(apiKey: string, key: string, email = uniqueEmail("cancel")) {
  const res = await call<CreateEventResponse>("POST", "/v1/events", {
    key: apiKey,
    body: {
      type: "comment.created",
      recipients: [{ id: `user-${crypto.randomUUID()}`, email }],
      data: { task: "Later" },
      sendAt: new Date(Date.now() + 10 * DAY).toISOString(),
      cancellationKey: key,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const n = res.body.notifications[0];
  if (!n) throw new Error("no notification");
  return { email, id: n.id, recipientId: n.recipientId };
}

describe("DELETE /v1/events/cancel/{key}", () => {
  it("cancels scheduled, queued, pending and paused notifications of the key, and none of them is sent afterwards", async () => {
    const org = await createOrganization();
    const key = newKey();
    const scheduled = await postScheduled(org.apiKey, key);
    const [queued, pending, paused] = await Promise.all([0, 1, 2].map(() => ingestCommentAt(org.organizationId, new Date(), { cancellationKey: key })));
    if (!queued || !pending || !paused) throw new Error("not ingested");
    await setStatus([pending.notificationId], "pending");
    await setStatus([paused.notificationId], "paused");

    const res = await cancel(org.apiKey, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cancellationKey).toBe(key);
    expect(res.body.events).toBe(4);
    const recipientOf = (s: Awaited<ReturnType<typeof ingestCommentAt>>) => s.stored.notifications[0]?.recipientId;
    expect(byId(res.body.cancelled)).toEqual(
      byId([
        { id: scheduled.id, recipientId: scheduled.recipientId, previousStatus: "scheduled" },
        { id: queued.notificationId, recipientId: recipientOf(queued), previousStatus: "queued" },
        { id: pending.notificationId, recipientId: recipientOf(pending), previousStatus: "pending" },
        { id: paused.notificationId, recipientId: recipientOf(paused), previousStatus: "paused" },
      ]),
    );
    expect(res.body.notCancelled).toEqual([]);
    const ids = res.body.cancelled.map((c) => c.id);
    for (const n of await notificationRows(ids)) expect(n).toMatchObject({ status: "cancelled", decisionRule: "cancelled_by_key", retryAt: null, leaseExpiresAt: null });

    // Their messages arriving, and a sweep long after the scheduled time, send nothing.
    await deliverSends(ids);
    await withServices((s) => sweepNotifications(s, new Date()));
    for (const n of await notificationRows(ids)) expect(n.status).toBe("cancelled");
    for (const email of [scheduled.email, queued.email, pending.email, paused.email]) expect(await receivedBy(email)).toHaveLength(0);
    expect((await auditRows(org.organizationId)).filter((a) => a.action === "event.cancel")).toEqual([
      expect.objectContaining({ targetType: "cancellation_key", targetId: key, details: { events: 4, cancelled: 4, notCancelled: 0 } }),
    ]);
  });

  it("answers a repeated cancel with 200, listing what the first took back as already cancelled, and audits it once", async () => {
    const org = await createOrganization();
    const key = newKey();
    const scheduled = await postScheduled(org.apiKey, key);
    expect((await cancel(org.apiKey, key)).status).toBe(200);
    const again = await cancel(org.apiKey, key);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual({
      cancellationKey: key,
      events: 1,
      cancelled: [],
      notCancelled: [{ id: scheduled.id, recipientId: scheduled.recipientId, status: "cancelled", reason: "already_cancelled" }],
    });
    expect((await auditRows(org.organizationId)).filter((a) => a.action === "event.cancel")).toHaveLength(1);
  });

  it("reports a sent notification as not cancellable and leaves one being sent to its consumer", async () => {
    const org = await createOrganization();
    const key = newKey();
    const sent = await postComment(org.apiKey, undefined, { cancellationKey: key });
    await waitForStatus(sent.notificationId, ["sent"]);
    const inFlight = await ingestCommentAt(org.organizationId, new Date(), { cancellationKey: key });
    await setStatus([inFlight.notificationId], "sending");

    const res = await cancel(org.apiKey, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cancelled).toEqual([]);
    expect(byId(res.body.notCancelled)).toEqual(
      byId([
        { id: sent.notificationId, recipientId: sent.response.notifications[0]?.recipientId, status: "sent", reason: "reached_provider" },
        { id: inFlight.notificationId, recipientId: inFlight.stored.notifications[0]?.recipientId, status: "sending", reason: "being_sent" },
      ]),
    );
    expect((await loadNotification(inFlight.notificationId)).status).toBe("sending");
    expect(await receivedBy(sent.email)).toHaveLength(1);
  });

  it("takes one of two items out of an open digest window: the digest goes out with one item and the subject for one", async () => {
    const org = await createOrganization();
    const key = newKey();
    const { r, ids, digestId, window } = await openDigestWindow(org.organizationId, 2);
    const [first, second] = ids;
    if (!first || !second) throw new Error("no items");
    await keyEventsOf([first], key);

    const res = await cancel(org.apiKey, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cancelled).toEqual([{ id: first, recipientId: r.externalId, previousStatus: "batched" }]);
    expect((await window.state()).items).toEqual([second]);

    await window.flush({});
    await vi.waitFor(async () => {
      if ((await digestsOf(r.id))[0]?.status === "open") throw new Error("digest not closed yet");
    });
    await withServices((s) => deliverDigest(s, digestId, { attempt: 1 }));
    const mail = await vi.waitFor(async () => {
      const received = await receivedBy(r.email);
      if (received.length === 0) throw new Error("no digest yet");
      return received;
    });
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body.subject).toBe("1 new update from Acme");
    const text = mail[0]?.body.content.find((c) => c.type === "text/plain")?.value ?? "";
    expect(text).toContain("Task 2");
    expect(text).not.toContain("Task 1");
    expect((await notificationRows([first]))[0]?.status).toBe("cancelled");
  });

  it("ends a digest whose every item was cancelled as empty, and mails nothing", async () => {
    const org = await createOrganization();
    const key = newKey();
    const { r, ids, digestId, window } = await openDigestWindow(org.organizationId, 2);
    await keyEventsOf(ids, key);

    const res = await cancel(org.apiKey, key);
    expect(res.body.cancelled.map((c) => c.previousStatus)).toEqual(["batched", "batched"]);
    expect(await window.state()).toMatchObject({ window: null, items: [], outbox: [] });
    expect((await digestsOf(r.id)).map((d) => [d.id, d.status])).toEqual([[digestId, "empty"]]);
    await window.flush({});
    expect(await receivedBy(r.email)).toHaveLength(0);
  });

  it("leaves another organisation's events with the same key untouched", async () => {
    const [mine, theirs] = await Promise.all([createOrganization("Mine"), createOrganization("Theirs")]);
    const key = newKey();
    const own = await postScheduled(mine.apiKey, key);
    const other = await postScheduled(theirs.apiKey, key);
    const res = await cancel(mine.apiKey, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ events: 1, cancelled: [{ id: own.id }], notCancelled: [] });
    expect((await loadNotification(other.id)).status).toBe("scheduled");

    const onlyTheirs = newKey();
    await postScheduled(theirs.apiKey, onlyTheirs);
    const refused = await cancel(mine.apiKey, onlyTheirs);
    expect(refused.status, JSON.stringify(refused.body)).toBe(404);
  });

  it("answers an unknown key with a 404 in the error envelope", async () => {
    const org = await createOrganization();
    const res = await cancel(org.apiKey, newKey());
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(res.body.error.requestId).toEqual(expect.any(String));
  });

  it("answers a key longer than 255 characters with a 400 naming the key, never a 500", async () => {
    const org = await createOrganization();
    const res = await cancel(org.apiKey, "k".repeat(256));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.fields?.map((f) => f.path)).toEqual(["key"]);
  });

  it("answers a NUL in the key, in the path or on the event, with a 400, not a 500 from the database", async () => {
    const org = await createOrganization();
    const inPath = await call<ErrorBody>("DELETE", "/v1/events/cancel/a%00b", { key: org.apiKey });
    expect(inPath.status, JSON.stringify(inPath.body)).toBe(400);
    expect(inPath.body.error.code).toBe("BAD_REQUEST");
    const onEvent = await call<ErrorBody>("POST", "/v1/events", {
      key: org.apiKey,
      body: { type: "comment.created", recipients: [{ id: "u1", email: uniqueEmail() }], cancellationKey: "a\u0000b" },
    });
    expect(onEvent.status, JSON.stringify(onEvent.body)).toBe(400);
    expect(onEvent.body.error.fields?.map((f) => f.path)).toEqual(["cancellationKey"]);
  });

  it.each(["viewer", "editor"] as const)("refuses a %s key with a 403 and cancels nothing", async (role) => {
    const org = await createOrganization();
    const key = newKey();
    const scheduled = await postScheduled(org.apiKey, key);
    const res = await cancel(await org.keyFor(role), key);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect((await loadNotification(scheduled.id)).status).toBe("scheduled");
  });

  it("accepts an ingest key, as for posting events", async () => {
    const org = await createOrganization();
    const key = newKey();
    await postScheduled(org.apiKey, key);
    expect((await cancel(await org.keyFor("ingest"), key)).status).toBe(200);
  });
});
