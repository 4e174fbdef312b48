import { sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { type GroupRow, groupColumns, groupedWithTotals, groupSelect, inRange, type Scope } from "./groups";

export type Latency = { p50: number; p95: number } | null;
export type SendRow = GroupRow & { sent: number; latencyMs: Latency };

type Raw = GroupRow & { sent: number; p50: number | null; p95: number | null };

/**
 * Notifications a provider accepted in the range, by the day of `sent_at`, with the time from the
 * event's arrival to that acceptance. Reads `notifications_organization_sent_idx`.
 */
export async function loadSends(db: Database, scope: Scope): Promise<SendRow[]> {
  const result = await db.execute<Raw>(sql`
    SELECT ${groupSelect}, count(*)::int AS sent,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY gap_ms) AS p95
      FROM (SELECT ${groupColumns(scope, { at: sql`n.sent_at`, provider: sql`n.provider`, eventType: sql`e.type` })},
                   extract(epoch FROM n.sent_at - e.created_at) * 1000 AS gap_ms
              FROM notifications n JOIN events e ON e.id = n.event_id
             WHERE n.organization_id = ${scope.organizationId}::uuid AND ${inRange(sql`n.sent_at`, scope)}) s
     ${groupedWithTotals}`);
  return result.rows.map(({ p50, p95, ...row }) => ({
    ...row,
    latencyMs: p50 === null || p95 === null ? null : { p50: Math.round(Number(p50)), p95: Math.round(Number(p95)) },
  }));
}
