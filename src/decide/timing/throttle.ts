import { sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import type { Throttle } from "../../send/claim";

/** A notification that would be sent now under a rule with a throttle. */
export type ThrottleCandidate = { id: string; organizationId: string; recipientId: string; ruleId: string; throttle: Throttle };

/**
 * Fixed windows aligned to the epoch (an hourly window runs from :00 to :00 UTC), not sliding
 * ones: a window is one row whose lock concurrent consumers queue on, and an old row is never
 * read again, so the retention job can delete it.
 */
export function throttleWindow(now: Date, windowSeconds: number): { start: Date; end: Date } {
  const length = windowSeconds * 1000;
  const start = Math.floor(now.getTime() / length) * length;
  return { start: new Date(start), end: new Date(start + length) };
}

/**
 * Admits candidates into their (rule, recipient, window) in one upsert for every key, and returns
 * the ids admitted: each window's earlier admissions stay, and the candidates (in the order given,
 * the events' order) fill what is left of its limit. The upsert's row lock makes concurrent
 * consumers take turns, so a window never admits more than its limit; a candidate already in the
 * window (its claim lapsed and it came back) is admitted again without taking another slot.
 */
export async function admitThrottled(db: Database, candidates: ThrottleCandidate[], now: Date): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const rows = candidates.map((c, i) => {
    const w = throttleWindow(now, c.throttle.windowSeconds);
    return sql`(${c.id}::uuid, ${i}::int, ${c.organizationId}::uuid, ${c.ruleId}::uuid, ${c.recipientId}::uuid,
                ${w.start.toISOString()}::timestamptz, ${w.end.toISOString()}::timestamptz, ${c.throttle.limit}::int)`;
  });
  // Keys are written in one fixed order, so two statements sharing keys lock them in the same order and cannot deadlock.
  const result = await db.execute<{ admitted: string[] }>(sql`
    WITH c(id, ord, organization_id, rule_id, recipient_id, window_start, window_end, lim) AS (VALUES ${sql.join(rows, sql`, `)}),
    k AS (
      SELECT rule_id, recipient_id, window_start, (array_agg(organization_id))[1] AS organization_id, min(window_end) AS window_end,
             min(lim) AS lim, array_agg(id ORDER BY ord) AS ids
        FROM c GROUP BY rule_id, recipient_id, window_start
    )
    INSERT INTO throttle_windows AS t (organization_id, rule_id, recipient_id, window_start, window_end, admitted)
    SELECT organization_id, rule_id, recipient_id, window_start, window_end, ids[1:lim] FROM k
     ORDER BY rule_id, recipient_id, window_start
    ON CONFLICT (rule_id, recipient_id, window_start) DO UPDATE SET admitted = t.admitted || (
      SELECT coalesce(array_agg(f.id ORDER BY f.ord), '{}'::uuid[])
        FROM k, LATERAL (
          SELECT u.id, u.ord FROM unnest(k.ids) WITH ORDINALITY AS u(id, ord)
           WHERE u.id <> ALL(t.admitted) ORDER BY u.ord LIMIT greatest(k.lim - cardinality(t.admitted), 0)
        ) f
       WHERE k.rule_id = t.rule_id AND k.recipient_id = t.recipient_id AND k.window_start = t.window_start)
    RETURNING to_jsonb(t.admitted) AS admitted`);
  const admitted = new Set(result.rows.flatMap((r) => r.admitted));
  return new Set(candidates.filter((c) => admitted.has(c.id)).map((c) => c.id));
}
