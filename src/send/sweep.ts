import { sql } from "drizzle-orm";
import { requeuePending } from "./enqueue";
import type { Services } from "../services";
import type { RowOf } from "../platform/db/rows";
import type { notifications } from "../platform/db/schema";

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
  const expired = await db.execute<RowOf<typeof notifications, "id" | "priority">>(sql`
    UPDATE notifications SET status = 'pending', lease_expires_at = NULL, updated_at = now()
     WHERE status = 'sending' AND lease_expires_at < ${now.toISOString()}::timestamptz
    RETURNING id, priority`);
  const cutoff = new Date(now.getTime() - env.SWEEP_PENDING_AFTER_SECONDS * 1000).toISOString();
  const pending = await db.execute<RowOf<typeof notifications, "id" | "priority">>(sql`
    SELECT id, priority FROM notifications
     WHERE status = 'pending' AND created_at < ${cutoff}::timestamptz
     ORDER BY created_at LIMIT ${SWEEP_LIMIT}`);
  const stale = new Map([...pending.rows, ...expired.rows].map((r) => [r.id, r.priority]));
  const report = await requeuePending(
    services,
    [...stale].map(([id, priority]) => ({ id, priority })),
  );
  return { leasesExpired: expired.rows.length, ...report };
}
