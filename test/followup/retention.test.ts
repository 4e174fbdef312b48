import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { events } from "../../src/platform/db/schema";
import { openedEventData } from "../fixtures/sealed";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { purgeExpiredContent, type RetentionOptions } from "../../src/followup/retention";
import type { Analytics } from "../../src/operators/routes/analytics/schema";
import type { GetNotificationResponse } from "../../src/operators/routes/notifications/get";
import type { RecipientHistoryPage } from "../../src/operators/routes/notifications/schema";
import { withDb } from "../fixtures/database";
import { storeSent } from "../fixtures/followup";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { fixedClock, withServices } from "../fixtures/services";

const DAY_MS = 86_400_000;
const SECRET_URL = "https://app.test/reset?token=s3cret";

type Stored = { notificationId: string; eventId: string; externalId: string; email: string };

/**
 * One event sent to `recipients` people `daysAgo` days before `now`, each email delivered and
 * clicked (detail with the address hash and the clicked url) at that time.
 */
async function storeSentEvent(organizationId: string, now: Date, daysAgo: number, recipients = 1): Promise<Stored[]> {
  const sent = await storeSent(organizationId, "sendgrid", recipients);
  const at = new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
  const clickedAt = new Date(now.getTime() - daysAgo * DAY_MS + 60_000).toISOString();
  const ids = sent.map((s) => sql`${s.notificationId}::uuid`);
  return withDb(async (db) => {
    const rows = await db.execute<{ id: string; event_id: string; external_id: string }>(sql`
      UPDATE notifications n SET created_at = ${at}::timestamptz, sent_at = ${at}::timestamptz
        FROM recipients r WHERE n.id IN (${sql.join(ids, sql`, `)}) AND r.id = n.recipient_id
      RETURNING n.id, n.event_id, r.external_id`);
    await db.execute(sql`UPDATE events SET created_at = ${at}::timestamptz WHERE id IN (SELECT event_id FROM notifications WHERE id IN (${sql.join(ids, sql`, `)}))`);
    for (const s of sent) {
      await db.execute(sql`
        INSERT INTO delivery_events (id, organization_id, notification_id, provider, provider_event_id, provider_message_id, type, detail, occurred_at)
        VALUES (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${s.notificationId}::uuid, 'sendgrid', ${crypto.randomUUID()}, ${s.messageId}, 'delivered', '{"recipientHash":"h1"}'::jsonb, ${at}::timestamptz),
               (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${s.notificationId}::uuid, 'sendgrid', ${crypto.randomUUID()}, ${s.messageId}, 'clicked', ${JSON.stringify({ recipientHash: "h1", url: SECRET_URL })}::jsonb, ${clickedAt}::timestamptz)`);
    }
    return sent.map((s) => {
      const row = rows.rows.find((r) => r.id === s.notificationId);
      return { notificationId: s.notificationId, eventId: row?.event_id ?? "", externalId: row?.external_id ?? "", email: s.email };
    });
  });
}

/** The event's data, and when it was purged (raw statements answer timestamps as text). */
/** The event's data as the readers see it (opened when sealed), and when it was purged. */
async function eventRow(eventId: string) {
  const [row] = await withDb((db) => db.select().from(events).where(eq(events.id, eventId)));
  return row && { data: await openedEventData(row), content_purged_at: row.contentPurgedAt };
}

const detailsOf = (notificationId: string) =>
  withDb(async (db) =>
    (
      await db.execute<{ type: string; detail: Record<string, unknown> }>(
        sql`SELECT type, detail FROM delivery_events WHERE notification_id = ${notificationId}::uuid ORDER BY type`,
      )
    ).rows.map((r) => [r.type, r.detail]),
  );

const purge = (now: Date, options: RetentionOptions = {}) => withServices((s) => purgeExpiredContent(s, now, options), { clock: fixedClock(now) });

describe("retention job", () => {
  it("empties the data and provider event details of an event older than the organisation's period, and keeps a recent one", async () => {
    const org = await createOrganization();
    const now = new Date();
    const [old] = await storeSentEvent(org.organizationId, now, 31);
    const [recent] = await storeSentEvent(org.organizationId, now, 29);
    if (!old || !recent) throw new Error("two events were stored");

    await purge(now);

    expect(await eventRow(old.eventId)).toEqual({ data: {}, content_purged_at: now });
    expect(await detailsOf(old.notificationId)).toEqual([
      ["clicked", {}],
      ["delivered", {}],
    ]);
    expect((await eventRow(recent.eventId))?.data).toMatchObject({ author: "Grace" });
    expect((await eventRow(recent.eventId))?.content_purged_at).toBeNull();
    expect(await detailsOf(recent.notificationId)).toEqual([
      ["clicked", { recipientHash: "h1", url: SECRET_URL }],
      ["delivered", { recipientHash: "h1" }],
    ]);
  });

  it("follows each organisation's own period", async () => {
    const strict = await createOrganization();
    const now = new Date();
    await withDb((db) => db.execute(sql`UPDATE organizations SET retention_days = 7 WHERE id = ${strict.organizationId}::uuid`));
    const [week] = await storeSentEvent(strict.organizationId, now, 8);
    if (!week) throw new Error("an event was stored");

    await purge(now);

    expect((await eventRow(week.eventId))?.data).toEqual({});
  });

  it("keeps an old event's data while one of its notifications is unfinished or waits in a digest not yet sent", async () => {
    const org = await createOrganization();
    const now = new Date();
    const held = await storeSentEvent(org.organizationId, now, 40, 2);
    const batched = await storeSentEvent(org.organizationId, now, 40, 2);
    const digestId = crypto.randomUUID();
    await withDb(async (db) => {
      await db.execute(sql`UPDATE notifications SET status = 'queued', sent_at = NULL WHERE id = ${held[1]?.notificationId}::uuid`);
      // The digest's row is written by its Durable Object later: a batched item without one is waiting too.
      await db.execute(sql`UPDATE notifications SET status = 'batched', sent_at = NULL, digest_id = ${digestId}::uuid WHERE id = ${batched[1]?.notificationId}::uuid`);
    });

    await purge(now);

    for (const [first] of [held, batched]) {
      expect((await eventRow(first?.eventId ?? ""))?.data).toMatchObject({ author: "Grace" });
      // The details of mail already sent are not needed by the unfinished send: they go.
      expect(await detailsOf(first?.notificationId ?? "")).toEqual([
        ["clicked", {}],
        ["delivered", {}],
      ]);
    }

    await withDb(async (db) => {
      await db.execute(sql`UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = ${held[1]?.notificationId}::uuid`);
      const recipient = sql`(SELECT recipient_id FROM notifications WHERE id = ${batched[1]?.notificationId}::uuid)`;
      await db.execute(sql`
        INSERT INTO digests (id, organization_id, recipient_id, category, key, kind, status, opened_at, due_at, sent_at)
        VALUES (${digestId}::uuid, ${org.organizationId}::uuid, ${recipient}, 'comments', ${`retention-${digestId}`}, 'window', 'sent', now(), now(), now())`);
    });
    await purge(now);

    expect((await eventRow(held[0]?.eventId ?? ""))?.data).toEqual({});
    expect((await eventRow(batched[0]?.eventId ?? ""))?.data).toEqual({});
  });

  it("keeps a digest's id in its provider events, so its history and analytics still find them", async () => {
    const org = await createOrganization();
    const now = new Date();
    const at = new Date(now.getTime() - 40 * DAY_MS).toISOString();
    const digestId = crypto.randomUUID();
    await withDb((db) =>
      db.execute(sql`
        INSERT INTO delivery_events (id, organization_id, provider, provider_event_id, type, detail, occurred_at)
        VALUES (${crypto.randomUUID()}::uuid, ${org.organizationId}::uuid, 'sendgrid', ${crypto.randomUUID()}, 'opened', ${JSON.stringify({ digestId, recipientHash: "h2" })}::jsonb, ${at}::timestamptz)`),
    );

    await purge(now);

    const rows = await withDb(
      async (db) => (await db.execute<{ detail: Record<string, unknown> }>(sql`SELECT detail FROM delivery_events WHERE organization_id = ${org.organizationId}::uuid`)).rows,
    );
    expect(rows).toEqual([{ detail: { digestId } }]);
  });

  it("works in chunks and stops at its cap per run, the next run taking the rest", async () => {
    const org = await createOrganization();
    const now = new Date();
    // Other test files' organisations share the database and each run's cap: clear their backlog first.
    await purge(now);
    const stored = await storeSentEvent(org.organizationId, now, 60, 5);
    for (let i = 0; i < 4; i++) stored.push(...(await storeSentEvent(org.organizationId, now, 60)));
    const eventIds = [...new Set(stored.map((s) => s.eventId))];
    expect(eventIds).toHaveLength(5);
    const unpurged = async () =>
      withDb(
        async (db) =>
          (
            await db.execute<{ events: number; details: number }>(sql`
              SELECT (SELECT count(*)::int FROM events WHERE organization_id = ${org.organizationId}::uuid AND content_purged_at IS NULL) AS events,
                     (SELECT count(*)::int FROM delivery_events WHERE organization_id = ${org.organizationId}::uuid AND detail <> '{}'::jsonb) AS details`)
          ).rows[0],
      );
    expect(await unpurged()).toEqual({ events: 5, details: 18 });

    // Organisations of test files running alongside may take part of the cap: only bounds are certain.
    const first = await purge(now, { chunk: 2, limit: 4 });
    expect(first.events).toBeLessThanOrEqual(4);
    expect(first.deliveryEvents).toBeLessThanOrEqual(4);
    const afterFirst = await unpurged();
    expect(afterFirst?.events).toBeGreaterThanOrEqual(1);
    expect(afterFirst?.details).toBeGreaterThanOrEqual(14);

    for (let run = 0; run < 200 && (await unpurged())?.details; run++) await purge(now, { chunk: 2, limit: 4 });
    expect(await unpurged()).toEqual({ events: 0, details: 0 });
  });

  it("is run by the five-minute cron trigger", async () => {
    const org = await createOrganization();
    const now = new Date();
    const [old] = await storeSentEvent(org.organizationId, now, 45);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: now.getTime() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await eventRow(old?.eventId ?? ""))?.data).toEqual({});
  });
});

describe("history and analytics after retention", () => {
  it("still show a purged email's status, times, provider events and counts", async () => {
    const org = await createOrganization();
    const now = new Date();
    const [old] = await storeSentEvent(org.organizationId, now, 40);
    if (!old) throw new Error("an event was stored");
    await purge(now);
    expect((await eventRow(old.eventId))?.data).toEqual({});
    const key = await org.keyFor("viewer");

    const one = await call<GetNotificationResponse>("GET", `/v1/notifications/${old.notificationId}`, { key });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body).toMatchObject({ id: old.notificationId, status: "sent", type: "comment.created", provider: "sendgrid" });
    expect(one.body.sentAt).not.toBeNull();
    expect(one.body.events.map((e) => [e.type, e.detail])).toEqual([
      ["delivered", {}],
      ["clicked", {}],
    ]);

    const page = await call<RecipientHistoryPage>("GET", `/v1/recipients/${encodeURIComponent(old.externalId)}/notifications`, { key });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.entries[0]).toMatchObject({ id: old.notificationId, status: "sent", lastEvent: { type: expect.any(String) } });

    const day = (offset: number) => new Date(now.getTime() - offset * DAY_MS).toISOString().slice(0, 10);
    const figures = await call<Analytics>("GET", `/v1/analytics?from=${day(41)}&to=${day(39)}&timezone=UTC`, { key });
    expect(figures.status, JSON.stringify(figures.body)).toBe(200);
    expect(figures.body.totals).toMatchObject({ sent: 1, delivered: 1, clicked: 1 });
    expect(JSON.stringify([one.body, page.body])).not.toContain(SECRET_URL);
  });
});
