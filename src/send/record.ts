import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";

export type AttemptRecord = {
  provider: string;
  outcome: "accepted" | "retryable" | "permanent" | "configuration";
  httpStatus: number | null;
  providerMessageId: string | null;
  latencyMs: number;
  error: string | null;
};

/** Where a claimed notification goes next: sent, failed for good, or released to be retried. */
export type NextState =
  | { status: "sent"; provider: string; providerMessageId: string; templateVersion: number }
  | { status: "failed"; reason: string; templateVersion: number | null }
  | { status: "queued"; reason: string }
  | { status: "suppressed"; reason: string };

export type Outcome = { id: string; organizationId: string; attempt: number; attempts: AttemptRecord[]; next: NextState };

/**
 * Writes a whole batch's attempts and state changes in one round trip. A state change only lands
 * while the notification is still `sending` under this claim (`attempts` unchanged); returns the
 * ids whose change landed.
 */
export async function recordOutcomes(db: Database, outcomes: Outcome[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const attemptRows = outcomes.flatMap((o) =>
    o.attempts.map(
      (a) =>
        sql`(${crypto.randomUUID()}::uuid, ${o.organizationId}::uuid, ${o.id}::uuid, ${a.provider}, ${a.outcome}, ${a.httpStatus}::int, ${a.providerMessageId}, ${Math.round(a.latencyMs)}::int, ${a.error})`,
    ),
  );
  const stateRows = outcomes.map((o) => {
    const n = o.next;
    const provider = n.status === "sent" ? n.provider : null;
    const messageId = n.status === "sent" ? n.providerMessageId : null;
    const version = n.status === "queued" || n.status === "suppressed" ? null : n.templateVersion;
    const reason = n.status === "sent" ? null : n.reason;
    return sql`(${o.id}::uuid, ${o.attempt}::int, ${n.status}, ${provider}, ${messageId}, ${version}::int, ${reason})`;
  });
  const insertAttempts: SQL =
    attemptRows.length > 0
      ? sql`INSERT INTO delivery_attempts (id, organization_id, notification_id, provider, outcome, http_status, provider_message_id, latency_ms, error)
            VALUES ${sql.join(attemptRows, sql`, `)} RETURNING 1`
      : sql`SELECT 1`;
  const result = await db.execute<{ id: string }>(sql`
    WITH logged AS (${insertAttempts}),
    v(id, attempt, status, provider, message_id, template_version, reason) AS (VALUES ${sql.join(stateRows, sql`, `)})
    UPDATE notifications n
       SET status = v.status,
           provider = coalesce(v.provider, n.provider),
           provider_message_id = coalesce(v.message_id, n.provider_message_id),
           template_version = coalesce(v.template_version, n.template_version),
           failure_reason = v.reason,
           sent_at = CASE WHEN v.status = 'sent' THEN now() ELSE n.sent_at END,
           failed_at = CASE WHEN v.status = 'failed' THEN now() ELSE n.failed_at END,
           lease_expires_at = NULL,
           updated_at = now()
      FROM v
     WHERE n.id = v.id AND n.status = 'sending' AND n.attempts = v.attempt
    RETURNING n.id`);
  return new Set(result.rows.map((r) => r.id));
}
