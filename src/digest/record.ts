import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { AttemptRecord } from "../send/record";

export type ClaimedDigest = {
  id: string;
  attempt: number;
  organizationId: string;
  recipientId: string;
  category: string;
  kind: "window" | "daily" | "weekly";
  notificationIds: string[];
};

/** Items whose Decide step has not finished: the digest waits a little for them (see deliver-digest.ts). */
export async function countUnsettled(db: Database, digestId: string): Promise<{ exists: boolean; status: string | null; unsettled: number }> {
  const result = await db.execute<{ status: string; unsettled: number }>(sql`
    SELECT d.status, (SELECT count(*)::int FROM notifications n WHERE n.id = ANY(d.notification_ids) AND n.status IN ('pending', 'queued', 'sending')) AS unsettled
      FROM digests d WHERE d.id = ${digestId}::uuid`);
  const row = result.rows[0];
  return row ? { exists: true, status: row.status, unsettled: row.unsettled } : { exists: false, status: null, unsettled: 0 };
}

/**
 * `queued → sending` with a lease, like the notification claim: of two consumers holding the same
 * job, one gets the row and the other sends nothing. An expired lease (a consumer died) can be taken over.
 */
export async function claimDigest(db: Database, digestId: string, leaseSeconds: number): Promise<ClaimedDigest | undefined> {
  const result = await db.execute<{ id: string; attempts: number; organization_id: string; recipient_id: string; category: string; kind: ClaimedDigest["kind"]; notification_ids: string[] }>(sql`
    UPDATE digests
       SET status = 'sending', attempts = attempts + 1, lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
     WHERE id = ${digestId}::uuid AND (status = 'queued' OR (status = 'sending' AND lease_expires_at < now()))
    RETURNING id, attempts, organization_id, recipient_id, category, kind, notification_ids`);
  const r = result.rows[0];
  return r && { id: r.id, attempt: r.attempts, organizationId: r.organization_id, recipientId: r.recipient_id, category: r.category, kind: r.kind, notificationIds: r.notification_ids };
}

export type DigestOutcome =
  | { status: "sent"; provider: string; providerMessageId: string }
  | { status: "failed"; reason: string }
  | { status: "queued"; reason: string }
  | { status: "skipped"; reason: string }
  | { status: "empty"; reason: string };

/** Writes the outcome and the provider attempts, only while this claim still holds; true when it landed. */
export async function recordDigestOutcome(db: Database, claim: Pick<ClaimedDigest, "id" | "attempt">, outcome: DigestOutcome, attempts: AttemptRecord[] = []): Promise<boolean> {
  const provider = outcome.status === "sent" ? outcome.provider : null;
  const messageId = outcome.status === "sent" ? outcome.providerMessageId : null;
  const reason = outcome.status === "sent" ? null : outcome.reason;
  const result = await db.execute<{ id: string }>(sql`
    UPDATE digests
       SET status = ${outcome.status}, provider = coalesce(${provider}, provider), provider_message_id = coalesce(${messageId}, provider_message_id),
           failure_reason = ${reason}, sent_at = CASE WHEN ${outcome.status} = 'sent' THEN now() ELSE sent_at END,
           attempt_log = attempt_log || ${JSON.stringify(attempts)}::jsonb, lease_expires_at = NULL, updated_at = now()
     WHERE id = ${claim.id}::uuid AND status = 'sending' AND attempts = ${claim.attempt}
    RETURNING id`);
  return result.rows.length > 0;
}

/** A digest the recipient no longer wants: its items are recorded as skipped, with the rule. */
export async function skipDigestItems(db: Database, digestId: string, rule: string): Promise<void> {
  await db.execute(sql`
    UPDATE notifications SET status = 'skipped', decision_rule = ${rule}, updated_at = now()
     WHERE digest_id = ${digestId}::uuid AND status = 'batched'`);
}

/** Dead-lettered digest jobs: the digest ends `failed`, with the last reason kept. */
export async function failDeadLetteredDigests(db: Database, digestIds: string[]): Promise<number> {
  if (digestIds.length === 0) return 0;
  const result = await db.execute<{ id: string }>(sql`
    UPDATE digests SET status = 'failed', failure_reason = 'gave up after retries: ' || coalesce(failure_reason, 'no attempt recorded'),
           lease_expires_at = NULL, updated_at = now()
     WHERE id = ANY(${`{${digestIds.join(",")}}`}::uuid[]) AND status IN ('queued', 'sending')
    RETURNING id`);
  return result.rows.length;
}
