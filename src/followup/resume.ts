import { sql } from "drizzle-orm";
import { enqueueDigests, type RequeueReport, requeuePending } from "../send/enqueue";
import type { Services } from "../services";
import type { RowOf } from "../platform/db/rows";
import type { notifications } from "../platform/db/schema";

export type ResumeReport = { wasPaused: boolean; requeued: number; enqueueFailures: number };

/**
 * Clears the organisation's pause (and starts the guard's judging afresh from now), then sends its
 * held notifications and digests (status `paused`) back through the queue. The pause is cleared
 * first so a consumer that picks a released email up does not hold it again. Released
 * notifications become `pending` before they are enqueued, as at ingest, and released digests
 * `queued`: should an enqueue fail, or the Worker stop half-way through a large backlog, the
 * sweeper (or digest cron) enqueues the rest, and an email enqueued twice is still sent once.
 */
export async function resumeSending(services: Services, organizationId: string, { chunk = 1000 }: { chunk?: number } = {}): Promise<ResumeReport> {
  const { db } = services;
  const cleared = await db.execute<{ was_paused: boolean }>(sql`
    UPDATE organizations o SET sending_paused_at = NULL, sending_paused_reason = NULL, updated_at = now(),
           sending_resumed_at = CASE WHEN before.was_paused THEN now() ELSE o.sending_resumed_at END
      FROM (SELECT id, sending_paused_at IS NOT NULL AS was_paused FROM organizations WHERE id = ${organizationId}::uuid) before
     WHERE o.id = before.id
    RETURNING before.was_paused`);
  const log = services.log.child({ organizationId });
  const report: RequeueReport = { requeued: 0, enqueueFailures: 0 };
  // In chunks, so no statement and no queue call grows with the backlog a long pause left.
  for (;;) {
    const released = await db.execute<RowOf<typeof notifications, "id" | "priority">>(sql`
      UPDATE notifications SET status = 'pending', updated_at = now()
       WHERE id IN (SELECT id FROM notifications WHERE organization_id = ${organizationId}::uuid AND status = 'paused' LIMIT ${chunk} FOR UPDATE SKIP LOCKED)
      RETURNING id, priority`);
    const sent = await requeuePending({ ...services, log }, released.rows);
    report.requeued += sent.requeued;
    report.enqueueFailures += sent.enqueueFailures;
    if (released.rows.length < chunk) break;
  }
  for (;;) {
    const released = await db.execute<{ id: string }>(sql`
      UPDATE digests SET status = 'queued', retry_at = now(), updated_at = now()
       WHERE id IN (SELECT id FROM digests WHERE organization_id = ${organizationId}::uuid AND status = 'paused' LIMIT ${chunk} FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    const ids = released.rows.map((r) => r.id);
    const announced = await enqueueDigests(services, ids);
    if (announced.ok) report.requeued += ids.length;
    else {
      // They are `queued`: digest cron enqueues a queued digest nobody picked up.
      report.enqueueFailures += ids.length;
      log.error("resume could not enqueue digests; digest cron will", { count: ids.length, error: announced.error });
    }
    if (released.rows.length < chunk) break;
  }
  return { wasPaused: cleared.rows[0]?.was_paused ?? false, ...report };
}
