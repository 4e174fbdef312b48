import { sql } from "drizzle-orm";
import { mapWithConcurrency } from "../platform/concurrency";
import { uuidArray } from "../platform/db/sql";
import { messageOf } from "../platform/log";
import { alertFailedMail } from "../send/alerts";
import { enqueueDigests } from "../send/enqueue";
import type { Services } from "../services";

/** Windows per run; the next run takes the rest. */
const FLUSH_LIMIT = 1000;
const FLUSH_CONCURRENCY = 6;
/** A window's own alarm closes it; cron steps in only once the alarm is this late. */
const ALARM_GRACE_MS = 60_000;
/** A queued digest nobody picked up for this long lost its queue job (or the job died): enqueue it again. */
const STALE_QUEUED_MS = 15 * 60_000;

export type DigestCronReport = { due: number; flushed: number; abandoned: number; requeued: number; gaveUp: number };

/**
 * Closes every open window that is due: daily and weekly digests at their local hour (their due
 * time was computed in the recipient's zone when the window opened), and windows whose alarm was
 * missed. Then re-enqueues digests whose queue job went missing; a duplicate job is harmless, the
 * digest claim sends once. `organizationIds` limits a run to some organisations (tests, an operator).
 */
export async function runDigestSchedules(services: Services, now = new Date(), scope: { organizationIds?: string[] } = {}): Promise<DigestCronReport> {
  const { db, env } = services;
  const at = now.toISOString();
  const inScope = scope.organizationIds ? sql`AND organization_id = ANY(${uuidArray(scope.organizationIds)})` : sql``;
  const due = await db.execute<{ id: string; key: string }>(sql`
    SELECT id, key FROM digests
     WHERE status = 'open' ${inScope}
       AND due_at <= CASE WHEN kind = 'window' THEN ${at}::timestamptz - make_interval(secs => ${ALARM_GRACE_MS / 1000}) ELSE ${at}::timestamptz END
     ORDER BY due_at LIMIT ${FLUSH_LIMIT}`);

  let flushed = 0;
  const abandoned: string[] = [];
  await mapWithConcurrency(due.rows, FLUSH_CONCURRENCY, async (row) => {
    try {
      const stub = env.DIGEST_WINDOW.get(env.DIGEST_WINDOW.idFromName(row.key));
      const result = await stub.flush({ now: now.getTime(), onlyIfDue: true });
      if (result.digestId) flushed++;
      const state = await stub.state();
      // The object no longer knows this window (its storage was reset): nothing will ever close it.
      if (result.digestId !== row.id && state.window?.digestId !== row.id && !state.outbox.includes(row.id)) abandoned.push(row.id);
    } catch (e) {
      services.log.error("digest flush failed", { key: row.key, error: messageOf(e) });
    }
  });
  if (abandoned.length) {
    await db.execute(sql`
      UPDATE digests SET status = 'empty', failure_reason = 'window lost by its Durable Object', updated_at = now()
       WHERE id = ANY(${uuidArray(abandoned)}) AND status = 'open'`);
  }

  // A lapsed claim (its consumer died) goes back to `queued`, or fails after too many lapses, as a notification's does.
  const max = env.SEND_MAX_LAPSED_CLAIMS;
  const lapsed = await db.execute<{ id: string; status: string; organization_id: string; failure_reason: string | null }>(sql`
    WITH lapsed AS (
      SELECT id FROM digests WHERE status = 'sending' AND lease_expires_at < ${at}::timestamptz ${inScope}
       ORDER BY lease_expires_at LIMIT ${FLUSH_LIMIT} FOR UPDATE SKIP LOCKED
    )
    UPDATE digests d
       SET lease_expirations = d.lease_expirations + 1, lease_expires_at = NULL, retry_at = now(), updated_at = now(),
           status = CASE WHEN d.lease_expirations + 1 >= ${max} THEN 'failed' ELSE 'queued' END,
           failure_reason = CASE WHEN d.lease_expirations + 1 >= ${max}
             THEN ${`gave up: sending it stopped ${max} times before an outcome was recorded (the Worker ran out of CPU or memory while sending it)`}
             ELSE d.failure_reason END
      FROM lapsed WHERE d.id = lapsed.id
    RETURNING d.id, d.status, d.organization_id, d.failure_reason`);
  const staleBefore = new Date(now.getTime() - STALE_QUEUED_MS).toISOString();
  const stale = await db.execute<{ id: string }>(sql`
    SELECT id FROM digests
     WHERE status = 'queued' AND coalesce(retry_at, updated_at) < ${staleBefore}::timestamptz ${inScope}
     ORDER BY updated_at LIMIT ${FLUSH_LIMIT}`);
  const ids = [...new Set([...stale.rows.map((r) => r.id), ...lapsed.rows.filter((r) => r.status === "queued").map((r) => r.id)])];
  const announced = await enqueueDigests(services, ids);
  if (!announced.ok) services.log.error("could not re-enqueue digests", { count: ids.length, error: announced.error });
  const gaveUp = lapsed.rows.filter((r) => r.status === "failed");
  await alertFailedMail(
    services,
    "digest",
    gaveUp.map((r) => ({ organizationId: r.organization_id, id: r.id, reason: r.failure_reason ?? "" })),
  );
  return { due: due.rows.length, flushed, abandoned: abandoned.length, requeued: announced.ok ? ids.length : 0, gaveUp: gaveUp.length };
}
