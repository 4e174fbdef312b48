import { sql } from "drizzle-orm";
import { markQueued } from "../ingest/accept-event";
import { enqueueNotifications } from "../send/enqueue";
import type { Services } from "../services";

export type ResumeReport = { wasPaused: boolean; requeued: number; enqueueFailures: number };

/**
 * Clears the organisation's pause (and starts the guard's judging afresh from now), then sends its held notifications (status `paused`) back
 * through the queue. The pause is cleared first so a consumer that picks a released notification
 * up does not hold it again. Released notifications become `pending` before they are enqueued, as
 * at ingest: should the enqueue fail, or the Worker stop half-way through a large backlog, the
 * sweeper enqueues the rest, and a notification enqueued twice is still claimed and sent once.
 */
export async function resumeSending(services: Pick<Services, "db" | "env">, organizationId: string): Promise<ResumeReport> {
  const { db, env } = services;
  const cleared = await db.execute<{ was_paused: boolean }>(sql`
    UPDATE organizations o SET sending_paused_at = NULL, sending_paused_reason = NULL, updated_at = now(),
           sending_resumed_at = CASE WHEN before.was_paused THEN now() ELSE o.sending_resumed_at END
      FROM (SELECT id, sending_paused_at IS NOT NULL AS was_paused FROM organizations WHERE id = ${organizationId}::uuid) before
     WHERE o.id = before.id
    RETURNING before.was_paused`);
  const released = await db.execute<{ id: string; priority: "high" | "normal" }>(sql`
    UPDATE notifications SET status = 'pending', updated_at = now()
     WHERE organization_id = ${organizationId}::uuid AND status = 'paused'
    RETURNING id, priority`);

  const report: ResumeReport = { wasPaused: cleared.rows[0]?.was_paused ?? false, requeued: 0, enqueueFailures: 0 };
  for (const priority of ["high", "normal"] as const) {
    const ids = released.rows.filter((r) => r.priority === priority).map((r) => r.id);
    if (ids.length === 0) continue;
    const sent = await enqueueNotifications(env, priority, ids);
    if (sent.ok) {
      await markQueued(db, ids);
      report.requeued += ids.length;
    } else {
      report.enqueueFailures += ids.length;
      console.error(JSON.stringify({ level: "error", msg: "resume could not enqueue; the sweeper will", organizationId, count: ids.length, error: sent.error }));
    }
  }
  return report;
}
