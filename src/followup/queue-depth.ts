import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { Col } from "../platform/db/rows";
import type { notifications } from "../platform/db/schema";

/** Mail of one organisation still on its way to a provider. Digests have no `pending`: an open window is not yet mail. */
export type QueueDepth = {
  notifications: { pending: number; queued: number; sending: number };
  digests: { queued: number; sending: number };
  /** Seconds since the oldest pending or queued notification was accepted; null when there is none. */
  oldestWaitingSeconds: number | null;
};

type DepthRow = { pending: number; queued: number; sending: number; oldest: Col<typeof notifications, "created_at"> | null; digests_queued: number; digests_sending: number };

/**
 * One statement. Every filter names the in-flight statuses, which the partial sweep indexes
 * (notifications_{pending,queued,lease}_sweep_idx, digests_queued_idx) hold: in-flight mail is a
 * small set however much an organisation has sent, so this stays cheap on a busy deployment.
 */
export async function loadQueueDepth(db: Database, organizationId: string, now: Date): Promise<QueueDepth> {
  const result = await db.execute<DepthRow>(sql`
    SELECT n.pending, n.queued, n.sending, n.oldest, d.queued AS digests_queued, d.sending AS digests_sending
      FROM (SELECT (count(*) FILTER (WHERE status = 'pending'))::int AS pending,
                   (count(*) FILTER (WHERE status = 'queued'))::int AS queued,
                   (count(*) FILTER (WHERE status = 'sending'))::int AS sending,
                   min(created_at) FILTER (WHERE status IN ('pending', 'queued')) AS oldest
              FROM notifications
             WHERE organization_id = ${organizationId}::uuid AND status IN ('pending', 'queued', 'sending')) n
     CROSS JOIN (SELECT (count(*) FILTER (WHERE status = 'queued'))::int AS queued,
                        (count(*) FILTER (WHERE status = 'sending'))::int AS sending
                   FROM digests
                  WHERE organization_id = ${organizationId}::uuid AND status IN ('queued', 'sending')) d`);
  const row = result.rows[0];
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return {
    notifications: { pending: row?.pending ?? 0, queued: row?.queued ?? 0, sending: row?.sending ?? 0 },
    digests: { queued: row?.digests_queued ?? 0, sending: row?.digests_sending ?? 0 },
    // A row written a moment "after" now (clocks of two machines) reads as zero, not as a negative age.
    oldestWaitingSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
  };
}
