import { createExecutionContext, createMessageBatch, env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { acceptEvent } from "../../src/ingest/accept-event";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { loadNotification, postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, type TestOrganization, uniqueEmail } from "../fixtures/organization";
import { createRecipient, setChoice } from "../fixtures/preferences";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { openedEventData } from "../fixtures/sealed";

const CODE = "493817";
const DATA = { author: "Acme security", task: `code ${CODE}`, comment: `Your sign-in code is ${CODE}`, url: "https://app.test/login" };

/** An event type that keeps no content, rendered with the organisation's comment template. */
async function codeType(org: TestOrganization, critical = true): Promise<string> {
  const res = await call("PUT", "/v1/event-types/login.code", { key: org.apiKey, body: { category: "security", template: "comment", critical, retainContent: false } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return "login.code";
}

/** The event's data as the readers see it (opened when sealed), and when it was purged. */
const eventOf = (notificationId: string) =>
  withDb(async (db) => {
    const [row] = (
      await db.execute<{ id: string; organization_id: string; data: Record<string, unknown>; data_sealed: string | null; content_purged_at: string | null }>(
        sql`SELECT e.id, e.organization_id, e.data, e.data_sealed, e.content_purged_at FROM events e JOIN notifications n ON n.event_id = e.id WHERE n.id = ${notificationId}::uuid`,
      )
    ).rows;
    if (!row) return undefined;
    return {
      data: await openedEventData({ id: row.id, organizationId: row.organization_id, data: row.data, dataSealed: row.data_sealed }),
      content_purged_at: row.content_purged_at,
    };
  });

async function sendNow(notificationId: string) {
  const batch = createMessageBatch("tidings-notifications", [{ id: `m-${notificationId}`, timestamp: new Date(), attempts: 1, body: { kind: "send", notificationId } }]);
  await worker.queue(batch, env, createExecutionContext());
}

describe("event types with retainContent: false", () => {
  it("empty the event's data as soon as the provider accepted the email, which was rendered with that data", async () => {
    const org = await createOrganization();
    const type = await codeType(org);
    const email = uniqueEmail("code");
    const { notificationId } = await postComment(org.apiKey, email, { type, data: DATA });
    await waitForStatus(notificationId, ["sent"]);

    const [mail] = await receivedBy(email);
    expect(mail?.body.subject).toBe(`Acme security commented on code ${CODE}`);
    expect(mail?.body.content.map((c) => c.value).join("\n")).toContain(`Your sign-in code is ${CODE}`);
    await vi.waitFor(async () => expect(await eventOf(notificationId)).toEqual({ data: {}, content_purged_at: expect.any(String) }));

    // A type that keeps content keeps it after its send, until the retention period.
    const kept = await postComment(org.apiKey);
    await waitForStatus(kept.notificationId, ["sent"]);
    expect(await eventOf(kept.notificationId)).toMatchObject({ data: { author: "Grace" }, content_purged_at: null });
  });

  it("keep the data until the last of the event's emails is sent", async () => {
    const org = await createOrganization();
    const type = await codeType(org);
    const people = [uniqueEmail("first"), uniqueEmail("second")];
    const stored = await withDb((db) =>
      acceptEvent(db, org.organizationId, { type, recipients: people.map((email, i) => ({ id: `user-${i}-${crypto.randomUUID()}`, email })), data: DATA }),
    );
    if (!stored.ok) throw new Error(JSON.stringify(stored.error));
    const [first, second] = stored.value.notifications.map((n) => n.id);

    await sendNow(first ?? "");
    expect((await loadNotification(first ?? "")).status).toBe("sent");
    expect((await eventOf(first ?? ""))?.data).toEqual(DATA);

    await sendNow(second ?? "");
    expect((await loadNotification(second ?? "")).status).toBe("sent");
    expect(await eventOf(second ?? "")).toEqual({ data: {}, content_purged_at: expect.any(String) });
    for (const email of people) expect((await receivedBy(email))[0]?.body.subject).toContain(CODE);
  });

  it("empty the data when the recipient opted out and no email is sent at all", async () => {
    const org = await createOrganization();
    const type = await codeType(org, false);
    const r = await createRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "security", { enabled: false });
    const stored = await withDb((db) => acceptEvent(db, org.organizationId, { type, recipients: [{ id: r.externalId, email: r.email }], data: DATA }));
    if (!stored.ok) throw new Error(JSON.stringify(stored.error));
    const id = stored.value.notifications[0]?.id ?? "";

    await sendNow(id);
    expect((await loadNotification(id)).status).toBe("skipped");
    expect((await eventOf(id))?.data).toEqual({});
    expect(await receivedBy(r.email)).toHaveLength(0);
  });
});
