import { sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { attemptOutcomes } from "../../platform/db/schema/delivery-attempts";
import type { Latency } from "./sends";

export type AttemptOutcome = (typeof attemptOutcomes)[number];
export type ProviderAttempts = { counts: Record<AttemptOutcome, number>; lastFailureAt: Date | null; latencyMs: Latency };

type Raw = Record<AttemptOutcome, number> & { provider: string; last_failure_at: Date | string | null; p50: number | null; p95: number | null };

export const emptyAttempts = (): ProviderAttempts => ({ counts: { accepted: 0, retryable: 0, permanent: 0, configuration: 0 }, lastFailureAt: null, latencyMs: null });

/**
 * The organisation's provider calls since `since`, per provider kind (attempt rows name the kind,
 * not the configuration). A failure is what counts against a circuit: retryable and configuration
 * outcomes; a permanent one is the message's fault, not the provider's.
 */
export async function loadProviderAttempts(db: Database, organizationId: string, since: Date): Promise<Map<string, ProviderAttempts>> {
  const result = await db.execute<Raw>(sql`
    SELECT provider,
           ${sql.join(
             attemptOutcomes.map((o) => sql`count(*) FILTER (WHERE outcome = ${o})::int AS ${sql.identifier(o)}`),
             sql`, `,
           )},
           max(created_at) FILTER (WHERE outcome IN ('retryable', 'configuration')) AS last_failure_at,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
      FROM delivery_attempts
     WHERE organization_id = ${organizationId}::uuid AND created_at >= ${since.toISOString()}::timestamptz
     GROUP BY provider`);
  return new Map(
    result.rows.map((r) => [
      r.provider,
      {
        counts: { accepted: r.accepted, retryable: r.retryable, permanent: r.permanent, configuration: r.configuration },
        lastFailureAt: r.last_failure_at === null ? null : new Date(r.last_failure_at),
        latencyMs: r.p50 === null || r.p95 === null ? null : { p50: Math.round(Number(r.p50)), p95: Math.round(Number(r.p95)) },
      },
    ]),
  );
}
