import { sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { eventTypeOf, type GroupRow, groupColumns, groupedWithTotals, groupSelect, inRange, type Scope } from "./groups";

export type OutcomeRow = GroupRow & { failed: number; suppressed: number; skipped: number; batched: number; cancelled: number };

/**
 * Notifications that ended without a send: failed in the range (by `failed_at`), or decided
 * suppressed, skipped, batched or cancelled (by its event's cancellation key) and created in the
 * range (by `created_at`; a decision is made moments after the event arrives and the row keeps no
 * time of its own for it). Both read partial indexes of their own.
 */
export async function loadOutcomes(db: Database, scope: Scope): Promise<OutcomeRow[]> {
  const organization = sql`n.organization_id = ${scope.organizationId}::uuid`;
  const result = await db.execute<OutcomeRow>(sql`
    SELECT ${groupSelect},
           count(*) FILTER (WHERE outcome = 'failed')::int AS failed,
           count(*) FILTER (WHERE outcome = 'suppressed')::int AS suppressed,
           count(*) FILTER (WHERE outcome = 'skipped')::int AS skipped,
           count(*) FILTER (WHERE outcome = 'batched')::int AS batched,
           count(*) FILTER (WHERE outcome = 'cancelled')::int AS cancelled
      FROM (SELECT ${groupColumns(scope, { at: sql`n.failed_at`, provider: sql`n.provider`, eventType: eventTypeOf(sql`n.event_type_id`) })}, 'failed' AS outcome
              FROM notifications n
             WHERE ${organization} AND ${inRange(sql`n.failed_at`, scope)}
            UNION ALL
            SELECT ${groupColumns(scope, { at: sql`n.created_at`, provider: sql`n.provider`, eventType: eventTypeOf(sql`n.event_type_id`) })}, n.status AS outcome
              FROM notifications n
             WHERE ${organization} AND n.status IN ('suppressed', 'skipped', 'batched', 'cancelled') AND ${inRange(sql`n.created_at`, scope)}) s
     ${groupedWithTotals}`);
  return result.rows;
}
