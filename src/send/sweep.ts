import { sql } from "drizzle-orm";
import type { RowOf } from "../platform/db/rows";
import type { notifications } from "../platform/db/schema";
import type { Services } from "../services";
import { alertFailedMail } from "./alerts";
import { requeuePending, requeueQueued } from "./enqueue";

/** How many rows one statement moves, and one sweep in all; the next minute's sweep takes the rest. */
const CHUNK = 1000;
const SWEEP_LIMIT = 5000;
/** A `queued` notification whose message was due this long ago was lost (queue retention, a failed re-enqueue). */
const STALE_QUEUED_SECONDS = 15 * 60;

export type SweepOptions = { chunk?: number; limit?: number };
export type SweepReport = { leasesExpired: number; gaveUp: number; released: number; requeued: number; staleQueued: number; enqueueFailures: number };

type Row = RowOf<typeof notifications, "id" | "priority">;
type LapsedRow = RowOf<typeof notifications, "id" | "priority" | "status" | "organization_id" | "failure_reason">;

/**
 * Nothing accepted is lost between the database and the queue, and nothing loops forever:
 * 1. a `sending` claim whose lease ran out (its consumer died mid-send) goes back to `pending`;
 *    after SEND_MAX_LAPSED_CLAIMS such lapses the notification fails instead, with the reason,
 *    so one that kills its consumer (CPU or memory limit) cannot drag its batch round forever;
 * 2. every `pending` notification older than the grace period (the enqueue after the commit
 *    failed, or step 1) is enqueued again and marked `queued`;
 * 3. a `scheduled` notification whose time has come (an event's sendAt, the end of quiet hours)
 *    goes to `pending` and is enqueued in the same pass: its delayed message may be lost, or it was
 *    further ahead than the queue can delay;
 * 4. a `queued` notification whose message was due long ago is enqueued again: the message was
 *    lost (queue retention, a failed re-enqueue), or never sent (ingest writes rows `queued` and
 *    sends after the commit; the Worker died in between).
 * Work goes in chunks, so no statement grows with the backlog. A notification enqueued twice is
 * harmless: the consumer's conditional claim sends it once.
 */
export async function sweepNotifications(services: Services, now = services.clock.now(), options: SweepOptions = {}): Promise<SweepReport> {
  const { db, env } = services;
  const chunk = options.chunk ?? CHUNK;
  const limit = options.limit ?? SWEEP_LIMIT;
  const at = now.toISOString();
  const max = env.SEND_MAX_LAPSED_CLAIMS;

  const lapsed: LapsedRow[] = [];
  while (lapsed.length < limit) {
    const result = await db.execute<LapsedRow>(sql`
      WITH lapsed AS (
        SELECT id FROM notifications
         WHERE status = 'sending' AND lease_expires_at < ${at}::timestamptz
         ORDER BY lease_expires_at LIMIT ${chunk} FOR UPDATE SKIP LOCKED
      )
      UPDATE notifications n
         SET lease_expirations = n.lease_expirations + 1, lease_expires_at = NULL, updated_at = now(),
             status = CASE WHEN n.lease_expirations + 1 >= ${max} THEN 'failed' ELSE 'pending' END,
             failed_at = CASE WHEN n.lease_expirations + 1 >= ${max} THEN now() ELSE n.failed_at END,
             failure_reason = CASE WHEN n.lease_expirations + 1 >= ${max}
               THEN ${`gave up: sending it stopped ${max} times before an outcome was recorded (the Worker ran out of CPU or memory while sending it)`}
               ELSE n.failure_reason END
        FROM lapsed
       WHERE n.id = lapsed.id
      RETURNING n.id, n.priority, n.status, n.organization_id, n.failure_reason`);
    lapsed.push(...result.rows);
    if (result.rows.length < chunk) break;
  }
  const gaveUp = lapsed.filter((r) => r.status === "failed");
  const back = lapsed.filter((r) => r.status === "pending");

  const released = await releaseScheduled(services, at, chunk, limit);

  const cutoff = new Date(now.getTime() - env.SWEEP_PENDING_AFTER_SECONDS * 1000).toISOString();
  const pending = await db.execute<Row>(sql`
    SELECT id, priority FROM notifications
     WHERE status = 'pending' AND created_at < ${cutoff}::timestamptz
     ORDER BY created_at LIMIT ${limit}`);
  const stale = new Map([...pending.rows, ...back, ...released].map((r) => [r.id, r.priority]));
  const report = await requeuePending(
    services,
    [...stale].map(([id, priority]) => ({ id, priority })),
  );

  const lostBefore = new Date(now.getTime() - STALE_QUEUED_SECONDS * 1000).toISOString();
  const lost = await db.execute<Row>(sql`
    SELECT id, priority FROM notifications
     WHERE status = 'queued' AND retry_at < ${lostBefore}::timestamptz
     ORDER BY retry_at LIMIT ${limit}`);
  const again = await requeueQueued(services, lost.rows);

  await alertFailedMail(
    services,
    "notification",
    gaveUp.map((r) => ({ organizationId: r.organization_id, id: r.id, reason: r.failure_reason ?? "" })),
  );
  return {
    leasesExpired: lapsed.length,
    gaveUp: gaveUp.length,
    released: released.length,
    requeued: report.requeued,
    staleQueued: again.requeued,
    enqueueFailures: report.enqueueFailures + again.enqueueFailures,
  };
}

/**
 * `scheduled → pending` for rows due by `at`, chunk by chunk. SKIP LOCKED leaves a row a delayed
 * message is claiming (or a cancel is taking back) to that statement, so neither waits on the sweep.
 */
async function releaseScheduled({ db }: Pick<Services, "db">, at: string, chunk: number, limit: number): Promise<Row[]> {
  const released: Row[] = [];
  while (released.length < limit) {
    const result = await db.execute<Row>(sql`
      WITH due AS (
        SELECT id FROM notifications
         WHERE status = 'scheduled' AND retry_at <= ${at}::timestamptz
         ORDER BY retry_at LIMIT ${Math.min(chunk, limit - released.length)} FOR UPDATE SKIP LOCKED
      )
      UPDATE notifications n SET status = 'pending', retry_at = NULL, updated_at = now()
        FROM due WHERE n.id = due.id
      RETURNING n.id, n.priority`);
    released.push(...result.rows);
    if (result.rows.length < chunk) break;
  }
  return released;
}
