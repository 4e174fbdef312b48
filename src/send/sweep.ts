import { sql } from "drizzle-orm";
import { markQueued } from "../ingest/accept-event";
import { enqueueNotifications } from "./enqueue";
import type { Services } from "../services";

/** How many notifications one sweep moves; the next minute's sweep takes the rest. */
const SWEEP_LIMIT = 5000;

export type SweepReport = { leasesExpired: number; requeued: number; enqueueFailures: number };

/**
 * Nothing accepted is lost between the database and the queue:
 * 1. a `sending` claim whose lease ran out (its consumer died mid-send) goes back to `pending`;
 * 2. every `pending` notification older than the grace period (the enqueue after the commit failed,
 *    or step 1) is enqueued again and marked `queued`.
 * A notification enqueued twice is harmless: the consumer's conditional claim sends it once.
 */
export async function sweepNotifications(services: Services, now = new Date()): Promise<SweepReport> {
  const { db, env } = services;
  const expired = await db.execute<{ id: string; priority: "high" | "normal" }>(sql`
    UPDATE notifications SET status = 'pending', lease_expires_at = NULL, updated_at = now()
     WHERE status = 'sending' AND lease_expires_at < ${now.toISOString()}::timestamptz
    RETURNING id, priority`);
  const cutoff = new Date(now.getTime() - env.SWEEP_PENDING_AFTER_SECONDS * 1000).toISOString();
  const pending = await db.execute<{ id: string; priority: "high" | "normal" }>(sql`
    SELECT id, priority FROM notifications
     WHERE status = 'pending' AND created_at < ${cutoff}::timestamptz
     ORDER BY created_at LIMIT ${SWEEP_LIMIT}`);
  const stale = new Map([...pending.rows, ...expired.rows].map((r) => [r.id, r.priority]));

  let requeued = 0;
  let enqueueFailures = 0;
  for (const priority of ["high", "normal"] as const) {
    const ids = [...stale].filter(([, p]) => p === priority).map(([id]) => id);
    if (ids.length === 0) continue;
    const sent = await enqueueNotifications(env, priority, ids);
    if (sent.ok) {
      await markQueued(db, ids);
      requeued += ids.length;
    } else {
      enqueueFailures += ids.length;
      console.error(JSON.stringify({ level: "error", msg: "sweeper could not enqueue", count: ids.length, error: sent.error }));
    }
  }
  return { leasesExpired: expired.rows.length, requeued, enqueueFailures };
}
