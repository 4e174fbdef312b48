import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { ClaimedNotification } from "./claim";
import type { Outcome } from "./mail";

/**
 * Writes attempts and state changes in one round trip (a retried email spends a round when providers
 * were tried, and records when its message is due). A state change only lands
 * while the notification is still `sending` under this claim (`attempts` unchanged); returns the
 * ids whose change landed.
 */
export async function recordOutcomes(db: Database, outcomes: Outcome<ClaimedNotification>[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const attemptRows = outcomes.flatMap(({ mail, attempts }) =>
    attempts.map(
      (a) =>
        sql`(${crypto.randomUUID()}::uuid, ${mail.organizationId}::uuid, ${mail.id}::uuid, ${a.provider}, ${a.outcome}, ${a.httpStatus}::int, ${a.providerMessageId}, ${Math.round(a.latencyMs)}::int, ${a.error})`,
    ),
  );
  const stateRows = outcomes.map(({ mail, next: n }) => {
    const provider = n.status === "sent" ? n.provider : null;
    const messageId = n.status === "sent" ? n.providerMessageId : null;
    // The version that was rendered (or failed to): only an email that got that far has one.
    const version = n.status === "sent" || n.status === "failed" ? mail.template.version : null;
    const reason = n.status === "sent" ? null : n.reason;
    const counted = n.status === "queued" && n.counted ? 1 : 0;
    const delay = n.status === "queued" ? n.delaySeconds : null;
    return sql`(${mail.id}::uuid, ${mail.attempt}::int, ${n.status}, ${provider}, ${messageId}, ${version}::int, ${reason}, ${counted}::int, ${delay}::int)`;
  });
  const insertAttempts: SQL =
    attemptRows.length > 0
      ? sql`INSERT INTO delivery_attempts (id, organization_id, notification_id, provider, outcome, http_status, provider_message_id, latency_ms, error)
            VALUES ${sql.join(attemptRows, sql`, `)} RETURNING 1`
      : sql`SELECT 1`;
  const result = await db.execute<{ id: string }>(sql`
    WITH logged AS (${insertAttempts}),
    v(id, attempt, status, provider, message_id, template_version, reason, counted, delay) AS (VALUES ${sql.join(stateRows, sql`, `)})
    UPDATE notifications n
       SET status = v.status,
           provider = coalesce(v.provider, n.provider),
           provider_message_id = coalesce(v.message_id, n.provider_message_id),
           template_version = coalesce(v.template_version, n.template_version),
           failure_reason = v.reason,
           sent_at = CASE WHEN v.status = 'sent' THEN now() ELSE n.sent_at END,
           failed_at = CASE WHEN v.status = 'failed' THEN now() ELSE n.failed_at END,
           retry_rounds = n.retry_rounds + v.counted,
           retry_at = CASE WHEN v.status = 'queued' THEN now() + make_interval(secs => v.delay) ELSE NULL END,
           lease_expires_at = NULL,
           updated_at = now()
      FROM v
     WHERE n.id = v.id AND n.status = 'sending' AND n.attempts = v.attempt
    RETURNING n.id`);
  return new Set(result.rows.map((r) => r.id));
}
