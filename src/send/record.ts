import type { Database } from "../platform/db/client";
import { runStatement, statement } from "../platform/db/statement";
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
  const attempts = outcomes.flatMap(({ mail, attempts }) =>
    attempts.map((a) => ({
      id: crypto.randomUUID(),
      organization_id: mail.organizationId,
      notification_id: mail.id,
      provider: a.provider,
      outcome: a.outcome,
      http_status: a.httpStatus,
      provider_message_id: a.providerMessageId,
      latency_ms: Math.round(a.latencyMs),
      error: a.error,
    })),
  );
  const states = outcomes.map(({ mail, next: n }) => ({
    id: mail.id,
    attempt: mail.attempt,
    status: n.status,
    provider: n.status === "sent" ? n.provider : null,
    message_id: n.status === "sent" ? n.providerMessageId : null,
    // The version that was rendered (or failed to): only an email that got that far has one.
    template_version: n.status === "sent" || n.status === "failed" ? mail.template.version : null,
    reason: n.status === "sent" ? null : n.reason,
    counted: n.status === "queued" && n.counted ? 1 : 0,
    delay: n.status === "queued" ? n.delaySeconds : null,
  }));
  // Two JSON values whatever the batch's size: one statement text for every batch, no parameter limit.
  const rows = await runStatement<{ id: string }>(
    db,
    statement`
    WITH logged AS (
      INSERT INTO delivery_attempts (id, organization_id, notification_id, provider, outcome, http_status, provider_message_id, latency_ms, error)
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb)
        AS a(id uuid, organization_id uuid, notification_id uuid, provider text, outcome text, http_status int, provider_message_id text, latency_ms int, error text)
      RETURNING 1
    ), v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(states)}::jsonb)
        AS v(id uuid, attempt int, status text, provider text, message_id text, template_version int, reason text, counted int, delay int)
    )
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
    RETURNING n.id`,
  );
  return new Set(rows.map((r) => r.id));
}
