import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { eventStillNeeded } from "../send/drop-content";
import type { Services } from "../services";

/** Rows one statement empties, and one run in all per table; the next run takes the rest. */
const CHUNK = 1000;
const RUN_LIMIT = 5000;
const DAY_MS = 86_400_000;

export type RetentionOptions = { chunk?: number; limit?: number };
export type RetentionReport = { organizations: number; events: number; deliveryEvents: number; throttleWindows: number };

type Due = { id: string; cutoff: string };

/**
 * A provider event's personal part: the address hash, the diagnostic or reason, the clicked url.
 * A digest's events keep only `digestId`, which is how history and analytics find them. Written
 * to match the partial index delivery_events_unpurged_idx, which serves the scan.
 */
const UNPURGED_DETAIL = sql`(detail - 'digestId') <> '{}'::jsonb`;

/**
 * Empties what each organisation keeps only for its retention period, once older than it: event
 * data (`events.data` → `{}`, `content_purged_at` set) and provider event details (type, bounce
 * kind and timestamps stay), so history and analytics keep their statuses, times and counts. An
 * event that a send or an unsent digest still needs keeps its data until that mail is finished.
 * Work goes in chunks, one per organisation in turn so a tenant's backlog cannot starve the others,
 * up to a cap per run: no statement grows with the backlog. Throttle windows a day past their end,
 * which no admission reads again, are deleted the same way.
 */
export async function purgeExpiredContent(services: Services, now = services.clock.now(), options: RetentionOptions = {}): Promise<RetentionReport> {
  const { db } = services;
  const chunk = options.chunk ?? CHUNK;
  const limit = options.limit ?? RUN_LIMIT;
  const report: RetentionReport = { organizations: 0, events: 0, deliveryEvents: 0, throttleWindows: 0 };
  let active = await organizationsWithExpiredContent(db, now);
  report.organizations = active.length;
  const at = now.toISOString();
  while (active.length > 0 && (report.events < limit || report.deliveryEvents < limit)) {
    const again: Due[] = [];
    for (const org of active) {
      const events = report.events < limit ? await purgeEvents(db, org, Math.min(chunk, limit - report.events), at) : 0;
      const details = report.deliveryEvents < limit ? await purgeDeliveryEvents(db, org, Math.min(chunk, limit - report.deliveryEvents)) : 0;
      report.events += events;
      report.deliveryEvents += details;
      if (events === chunk || details === chunk) again.push(org);
    }
    active = again;
  }
  const expired = new Date(now.getTime() - DAY_MS).toISOString();
  while (report.throttleWindows < limit) {
    const deleted = await deleteExpiredThrottleWindows(db, expired, Math.min(chunk, limit - report.throttleWindows));
    report.throttleWindows += deleted;
    if (deleted < chunk) break;
  }
  return report;
}

/** Along throttle_windows_end_idx; SKIP LOCKED leaves a row an admission holds (it cannot be that old, but a clock can be wrong). */
async function deleteExpiredThrottleWindows(db: Database, before: string, chunk: number): Promise<number> {
  const result = await db.execute<{ rule_id: string }>(sql`
    WITH due AS (
      SELECT rule_id, recipient_id, window_start FROM throttle_windows
       WHERE window_end < ${before}::timestamptz
       ORDER BY window_end LIMIT ${chunk} FOR UPDATE SKIP LOCKED
    )
    DELETE FROM throttle_windows t USING due
     WHERE t.rule_id = due.rule_id AND t.recipient_id = due.recipient_id AND t.window_start = due.window_start
    RETURNING t.rule_id`);
  return result.rows.length;
}

async function organizationsWithExpiredContent(db: Database, now: Date): Promise<Due[]> {
  const result = await db.execute<{ id: string; retention_days: number }>(sql`
    SELECT o.id, o.retention_days FROM organizations o
     WHERE EXISTS (SELECT 1 FROM events e
                    WHERE e.organization_id = o.id AND e.content_purged_at IS NULL
                      AND e.created_at < ${now.toISOString()}::timestamptz - make_interval(secs => o.retention_days * 86400))
        OR EXISTS (SELECT 1 FROM delivery_events de
                    WHERE de.organization_id = o.id AND ${UNPURGED_DETAIL}
                      AND de.occurred_at < ${now.toISOString()}::timestamptz - make_interval(secs => o.retention_days * 86400))
     ORDER BY o.id`);
  return result.rows.map((r) => ({ id: r.id, cutoff: new Date(now.getTime() - r.retention_days * DAY_MS).toISOString() }));
}

/** Oldest first along the partial index of unpurged events; SKIP LOCKED leaves rows a send holds. */
async function purgeEvents(db: Database, org: Due, chunk: number, at: string): Promise<number> {
  const result = await db.execute<{ id: string }>(sql`
    WITH due AS (
      SELECT e.id FROM events e
       WHERE e.organization_id = ${org.id}::uuid AND e.content_purged_at IS NULL AND e.created_at < ${org.cutoff}::timestamptz
         AND NOT ${eventStillNeeded(sql`e.id`)}
       ORDER BY e.created_at LIMIT ${chunk} FOR UPDATE OF e SKIP LOCKED
    )
    UPDATE events e SET data = '{}'::jsonb, data_sealed = NULL, content_purged_at = ${at}::timestamptz
      FROM due WHERE e.id = due.id
    RETURNING e.id`);
  return result.rows.length;
}

/** By the provider's time of the event, as history and analytics show it. */
async function purgeDeliveryEvents(db: Database, org: Due, chunk: number): Promise<number> {
  const result = await db.execute<{ id: string }>(sql`
    WITH due AS (
      SELECT id FROM delivery_events
       WHERE organization_id = ${org.id}::uuid AND occurred_at < ${org.cutoff}::timestamptz AND ${UNPURGED_DETAIL}
       LIMIT ${chunk} FOR UPDATE SKIP LOCKED
    )
    UPDATE delivery_events d
       SET detail = CASE WHEN d.detail->>'digestId' IS NOT NULL THEN jsonb_build_object('digestId', d.detail->'digestId') ELSE '{}'::jsonb END
      FROM due WHERE d.id = due.id
    RETURNING d.id`);
  return result.rows.length;
}
