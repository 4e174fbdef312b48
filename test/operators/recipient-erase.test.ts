import { eq, sql } from "drizzle-orm";
import { events, recipients } from "../../src/platform/db/schema";
import { openedEventData, openedRecipient } from "../fixtures/sealed";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ErasureReport, RecipientExport } from "../../src/operators/recipients/schema";
import { acceptEvent } from "../../src/ingest/accept-event";
import { auditRows } from "../fixtures/audit";
import { withDb } from "../fixtures/database";
import { suppressionOf, testHashKey } from "../fixtures/followup";
import { call } from "../fixtures/http";
import { loadNotification, postComment, waitForStatus } from "../fixtures/notifications";
import { uniqueEmail } from "../fixtures/organization";
import { windowStub } from "../fixtures/preferences";
import { organizationWithSendGrid } from "../fixtures/sendgrid-organization";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { postSendGrid, sendGridEvent } from "../fixtures/webhook-signers";

const NAME = "Zephyrine Quillfeather";
const WINDOW = { kind: "window", minutes: 60, maxItems: 10 } as const;

/** Every row of every table that has an organisation, as PostgreSQL renders it to JSON text. */
async function dumpOrganization(organizationId: string): Promise<string> {
  return withDb(async (db) => {
    const tables = await db.execute<{ table_name: string }>(sql`
      SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY table_name`);
    expect(tables.rows.map((t) => t.table_name)).toEqual(expect.arrayContaining(["recipients", "events", "notifications", "delivery_events", "suppressions", "audit_log"]));
    const texts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await db.execute<{ j: string }>(sql`SELECT row_to_json(t)::text AS j FROM ${sql.identifier(table_name)} t WHERE organization_id = ${organizationId}::uuid`);
      texts.push(...rows.rows.map((r) => r.j));
    }
    return texts.join("\n").toLowerCase();
  });
}

/**
 * One organisation, two recipients. X got a critical email that hard-bounced, chose digests for
 * comments, has a comment waiting in an open digest window (the same event as Y's, who waits in
 * their own window) and a comment not yet sent.
 */
async function scenario() {
  const org = await organizationWithSendGrid();
  const defaults = await call("PUT", "/v1/preference-defaults", { key: org.apiKey, body: { categories: { comments: { delivery: "digest", digest: WINDOW } } } });
  expect(defaults.status, JSON.stringify(defaults.body)).toBe(200);
  const x = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("erase"), name: NAME, locale: "de", timezone: "Europe/Berlin", quietHours: false as const };
  const y = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("keep"), name: "Other Person" };

  const alert = await postComment(org.apiKey, x.email, {
    type: "security.alert",
    recipients: [x],
    data: { author: "Security", task: `Password of ${NAME}`, comment: `Hello ${NAME}`, url: "https://app.test/s" },
  });
  const sent = await waitForStatus(alert.notificationId, ["sent"]);
  const prefs = await call("PUT", `/v1/recipients/${x.id}/preferences`, { key: org.apiKey, body: { categories: { comments: { delivery: "digest", digest: WINDOW } } } });
  expect(prefs.status, JSON.stringify(prefs.body)).toBe(200);

  const shared = await postComment(org.apiKey, x.email, { recipients: [x, y], data: { author: "Grace", task: "Shared task", comment: "For both", url: "https://app.test/t/2" } });
  const [xBatched, yBatched] = shared.response.notifications.map((n) => n.id);
  if (!xBatched || !yBatched) throw new Error("the shared event has two notifications");
  await waitForStatus(xBatched, ["batched"]);
  await waitForStatus(yBatched, ["batched"]);

  const key = await testHashKey();
  const pending = await withDb((db) =>
    acceptEvent(
      db,
      org.organizationId,
      { type: "comment.created", recipients: [x], data: { author: "Grace", task: "Private", comment: `Only for ${NAME}` } },
      { emailHashKey: key },
    ),
  );
  if (!pending.ok) throw new Error(JSON.stringify(pending.error));
  const pendingId = pending.value.notifications[0]?.id ?? "";

  const bounce = sendGridEvent(
    "bounce",
    { messageId: sent.providerMessageId ?? "", notificationId: alert.notificationId, email: x.email },
    { type: "bounce", reason: `550 5.1.1 <${x.email}> ${NAME}: no such user` },
  );
  await postSendGrid(org.path, org.account, [bounce]);
  expect((await suppressionOf(org.organizationId, x.email))?.reason).toBe("hard_bounce");

  return {
    org,
    x,
    y,
    xRecipientId: sent.recipientId,
    yRecipientId: (await loadNotification(yBatched)).recipientId,
    alertId: alert.notificationId,
    xBatched,
    yBatched,
    pendingId,
    sharedEventId: shared.response.eventId,
  };
}

describe("erasing and exporting a recipient", () => {
  let s: Awaited<ReturnType<typeof scenario>>;
  let exported: RecipientExport;
  let erased: ErasureReport;

  beforeAll(async () => {
    s = await scenario();
  }, 60_000);

  it("refuses viewer and editor keys on both routes", async () => {
    for (const role of ["viewer", "editor"] as const) {
      const key = await s.org.keyFor(role);
      expect((await call("DELETE", `/v1/recipients/${s.x.id}`, { key })).status).toBe(403);
      expect((await call("GET", `/v1/recipients/${s.x.id}/export`, { key })).status).toBe(403);
    }
  });

  it("exports the recipient's row, preferences, notifications with attempts, provider events and event data, suppression and digests", async () => {
    const res = await call<RecipientExport>("GET", `/v1/recipients/${s.x.id}/export`, { key: s.org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    exported = res.body;
    expect(exported.recipient).toMatchObject({ id: s.x.id, email: s.x.email, name: NAME, locale: "de", timezone: "Europe/Berlin", quietHours: false });
    expect(exported.preferences).toMatchObject([{ category: "comments", delivery: "digest", digest: { kind: "window", minutes: 60 } }]);
    expect(exported.suppression).toMatchObject({ reason: "hard_bounce" });
    const byId = new Map(exported.notifications.map((n) => [n.id, n]));
    expect(exported.notifications).toHaveLength(3);
    expect(byId.get(s.alertId)).toMatchObject({ type: "security.alert", status: "bounced", provider: "sendgrid", event: { data: { comment: `Hello ${NAME}` } } });
    expect(byId.get(s.alertId)?.attempts).toMatchObject([{ provider: "sendgrid", outcome: "accepted" }]);
    expect(byId.get(s.alertId)?.events).toMatchObject([{ type: "bounced", bounceKind: "hard" }]);
    expect(byId.get(s.xBatched)).toMatchObject({ status: "batched", event: { data: { task: "Shared task" } } });
    expect(byId.get(s.pendingId)).toMatchObject({ status: "queued", event: { data: { comment: `Only for ${NAME}` } } });
    expect(exported.digests).toMatchObject([{ category: "comments", status: "open" }]);
  });

  it("erases the address and the name from every table, cancels waiting mail and keeps the counts", async () => {
    const res = await call<ErasureReport>("DELETE", `/v1/recipients/${s.x.id}`, { key: s.org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    erased = res.body;
    expect(erased).toMatchObject({
      recipientId: s.x.id,
      erased: { notificationsCancelled: 2, digestItemsRemoved: 1, digestsCancelled: 1, preferences: 1, eventsEmptied: 2 },
      kept: { notifications: 3, digests: 1, suppressed: true },
    });
    expect(erased.erased.deliveryEventsScrubbed).toBeGreaterThanOrEqual(1);

    const dump = await dumpOrganization(s.org.organizationId);
    // The dump does see the other recipient's row (their address is sealed, their id is not).
    expect(dump).toContain(s.y.id.toLowerCase());
    expect(dump).not.toContain(s.x.email.toLowerCase());
    expect(dump).not.toContain(NAME.toLowerCase());
    expect(dump).not.toContain("quillfeather");

    for (const id of [s.pendingId, s.xBatched]) expect(await loadNotification(id)).toMatchObject({ status: "skipped", decisionRule: "recipient_erased" });
    expect(await loadNotification(s.alertId)).toMatchObject({ status: "bounced", provider: "sendgrid" });
    expect(await windowStub(s.org.organizationId, s.xRecipientId, "comments").state()).toMatchObject({ window: null, items: [], outbox: [] });
  });

  it("keeps the data of an event that other recipients share, and theirs", async () => {
    const kept = await withDb(async (db) => ({
      event: (await db.select().from(events).where(eq(events.id, s.sharedEventId)))[0],
      other: (await db.select().from(recipients).where(eq(recipients.id, s.yRecipientId)))[0],
    }));
    expect(kept.event?.contentPurgedAt).toBeNull();
    expect(await openedEventData(kept.event ?? expect.fail("no event"))).toEqual({ author: "Grace", task: "Shared task", comment: "For both", url: "https://app.test/t/2" });
    expect(await openedRecipient(kept.other ?? expect.fail("no recipient"))).toMatchObject({ email: s.y.email, name: "Other Person" });
    expect((await call("GET", `/v1/recipients/${s.y.id}/export`, { key: s.org.apiKey })).status).toBe(200);
  });

  it("answers a repeated erase with the first erase's report, and 404 for an id never seen or an erased one's export", async () => {
    const again = await call<ErasureReport>("DELETE", `/v1/recipients/${s.x.id}`, { key: s.org.apiKey });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual(erased);
    expect((await call("DELETE", `/v1/recipients/never-${crypto.randomUUID()}`, { key: s.org.apiKey })).status).toBe(404);
    expect((await call("GET", `/v1/recipients/${s.x.id}/export`, { key: s.org.apiKey })).status).toBe(404);
    expect((await call("GET", `/v1/recipients/${s.x.id}/notifications`, { key: s.org.apiKey })).status).toBe(404);
  });

  it("audits one erase and one export with counts, never the address or the name", async () => {
    const rows = (await auditRows(s.org.organizationId)).filter((r) => r.targetId === s.xRecipientId && r.action.startsWith("recipient.e"));
    expect(rows.map((r) => [r.action, r.targetType])).toEqual([
      ["recipient.export", "recipient"],
      ["recipient.erase", "recipient"],
    ]);
    const text = JSON.stringify(rows).toLowerCase();
    expect(text).not.toContain(s.x.email.toLowerCase());
    expect(text).not.toContain("quillfeather");
    expect(rows.find((r) => r.action === "recipient.erase")?.details).toMatchObject({ erased: { notificationsCancelled: 2 }, kept: { suppressed: true } });
  });

  it("sends the other recipient's digest without the erased item, and nothing to the erased address", async () => {
    expect((await windowStub(s.org.organizationId, s.xRecipientId, "comments").flush({})).digestId).toBeNull();
    expect((await windowStub(s.org.organizationId, s.yRecipientId, "comments").flush({})).digestId).not.toBeNull();
    const mail = await vi.waitFor(
      async () => {
        const got = await receivedBy(s.y.email);
        if (got.length === 0) throw new Error("the other recipient's digest has not arrived");
        return got;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body.content.map((c) => c.value).join("\n")).toContain("Shared task");
    expect(await receivedBy(s.x.email)).toHaveLength(1);
    const digest = await withDb(
      async (db) => (await db.execute<{ notification_ids: string[] }>(sql`SELECT notification_ids FROM digests WHERE recipient_id = ${s.yRecipientId}::uuid`)).rows[0],
    );
    expect(digest?.notification_ids).toEqual([s.yBatched]);
  });

  it("still suppresses the erased address: a new event to it ends suppressed and reaches no provider", async () => {
    const next = await postComment(s.org.apiKey, s.x.email, {
      type: "security.alert",
      recipients: [{ id: `user-${crypto.randomUUID()}`, email: s.x.email }],
      data: { author: "Security", task: "Again", comment: "Hello", url: "https://app.test/s" },
    });
    await waitForStatus(next.notificationId, ["suppressed"]);
    expect(await receivedBy(s.x.email)).toHaveLength(1);
  });
});
