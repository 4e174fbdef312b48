import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { AttemptRecord } from "../platform/db/schema/delivery-attempts";
import type { Col, RowOf } from "../platform/db/rows";
import { uuidArray } from "../platform/db/sql";
import type { digests, events, layouts, notifications, organizations, recipients, templateVersions } from "../platform/db/schema";
import type { digestStatuses } from "../platform/db/schema/digests";
import type { LayoutSource } from "../render";
import { type OpenError, openEventData, openRecipient } from "../platform/crypto/personal-data";
import type { SealingKeys } from "../platform/crypto/sealed-box";

/** A digest this consumer now owns, with its recipient and organisation (the items come in the Decide step). */
export type ClaimedDigest = {
  id: string;
  organizationId: string;
  attempt: number;
  retryRounds: number;
  recipientId: string;
  category: string;
  kind: "window" | "daily" | "weekly";
  notificationIds: string[];
  /** A digest is never critical mail: it carries the category's one-click unsubscribe like any other. */
  critical: false;
  recipient: { email: string; name: string | null; locale: string | null; timezone: string | null; textOnly: boolean };
  organization: { name: string; fromEmail: string; fromName: string | null; replyTo: string | null; branding: Record<string, unknown>; paused: boolean };
  layout: LayoutSource | null;
};

type O = typeof organizations;
type L = typeof layouts;
type ClaimRow = RowOf<typeof digests, "id" | "attempts" | "retry_rounds" | "organization_id" | "recipient_id" | "category" | "kind" | "notification_ids"> &
  RowOf<typeof recipients, "email" | "email_sealed" | "name" | "name_sealed" | "locale" | "timezone" | "text_only"> &
  RowOf<O, "from_email" | "from_name" | "reply_to" | "branding"> & {
    organization_name: Col<O, "name">;
    organization_paused: boolean;
    layout_id: Col<L, "id"> | null;
    layout_version: Col<L, "version"> | null;
    layout_source: Col<L, "source"> | null;
  };

/** Each digest's status and how many of its items are still being decided (they may yet be marked `batched` into it). */
export async function digestReadiness(db: Database, digestIds: string[]): Promise<Map<string, { status: string; unsettled: number }>> {
  const result = await db.execute<{ id: string; status: string; unsettled: number }>(sql`
    SELECT d.id, d.status,
           (SELECT count(*)::int FROM notifications n WHERE n.id = ANY(d.notification_ids) AND n.status IN ('pending', 'queued', 'sending')) AS unsettled
      FROM digests d WHERE d.id = ANY(${uuidArray(digestIds)})`);
  return new Map(result.rows.map((r) => [r.id, { status: r.status, unsettled: r.unsettled }]));
}

/** A claimed digest or item whose sealed personal data did not open (a key missing from the deployment). */
export type Unreadable = { id: string; error: OpenError };

/**
 * `queued → sending` with a lease, like the notification claim, joined with what composing the
 * email needs, the address and name opened: of two consumers holding the same job, one gets the
 * row and the other sends nothing. A lapsed lease (a consumer died) is counted and requeued by
 * digest cron.
 */
export async function claimDigests(
  db: Database,
  digestIds: string[],
  leaseSeconds: number,
  keys: SealingKeys | undefined,
): Promise<{ claimed: ClaimedDigest[]; unreadable: Unreadable[] }> {
  if (digestIds.length === 0) return { claimed: [], unreadable: [] };
  const result = await db.execute<ClaimRow>(sql`
    WITH claimed AS (
      UPDATE digests
         SET status = 'sending', attempts = attempts + 1, lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
       WHERE id = ANY(${uuidArray(digestIds)}) AND status = 'queued'
      RETURNING id, attempts, retry_rounds, organization_id, recipient_id, category, kind, notification_ids
    )
    SELECT c.*, r.email, r.email_sealed, r.name, r.name_sealed, r.locale, r.timezone, r.text_only,
           o.name AS organization_name, o.from_email, o.from_name, o.reply_to, o.branding, o.sending_paused_at IS NOT NULL AS organization_paused,
           l.id AS layout_id, l.version AS layout_version, l.source AS layout_source
      FROM claimed c
      JOIN recipients r ON r.id = c.recipient_id
      JOIN organizations o ON o.id = c.organization_id
      LEFT JOIN layouts l ON l.organization_id = c.organization_id AND l.key = 'branding'`);
  const claimed: ClaimedDigest[] = [];
  const unreadable: Unreadable[] = [];
  for (const r of result.rows) {
    const person = await openRecipient(keys, r.organization_id, r.recipient_id, {
      email: { sealed: r.email_sealed, plain: r.email },
      name: { sealed: r.name_sealed, plain: r.name },
    });
    if (person.ok) claimed.push(toClaimed(r, person.value));
    else unreadable.push({ id: r.id, error: person.error });
  }
  return { claimed, unreadable };
}

function toClaimed(r: ClaimRow, person: { email: string; name: string | null }): ClaimedDigest {
  return {
    id: r.id,
    organizationId: r.organization_id,
    attempt: r.attempts,
    retryRounds: r.retry_rounds,
    recipientId: r.recipient_id,
    category: r.category,
    kind: r.kind,
    notificationIds: r.notification_ids,
    critical: false,
    recipient: { email: person.email, name: person.name, locale: r.locale, timezone: r.timezone, textOnly: r.text_only },
    organization: { name: r.organization_name, fromEmail: r.from_email, fromName: r.from_name, replyTo: r.reply_to, branding: r.branding, paused: r.organization_paused },
    layout: r.layout_id && r.layout_version !== null && r.layout_source !== null ? { id: r.layout_id, version: r.layout_version, source: r.layout_source } : null,
  };
}

export type DigestItemRow = {
  digest_id: string;
  id: Col<typeof notifications, "id">;
  type: Col<typeof events, "type">;
  data: Record<string, unknown>;
  created_at: Col<typeof events, "created_at">;
  subject: Col<typeof templateVersions, "subject"> | null;
};

/**
 * The items still `batched` into these digests, oldest first, with their template's subject for a
 * title and their event's data opened; `unreadable` names items whose data did not open.
 */
export async function loadDigestItems(db: Database, digestIds: string[], keys: SealingKeys | undefined): Promise<{ items: DigestItemRow[]; unreadable: Unreadable[] }> {
  if (digestIds.length === 0) return { items: [], unreadable: [] };
  const result = await db.execute<DigestItemRow & { organization_id: string; event_id: string; data_sealed: string | null }>(sql`
    SELECT n.digest_id, n.id, n.organization_id, n.event_id, e.type, e.data, e.data_sealed, e.created_at, tv.subject
      FROM notifications n
      JOIN events e ON e.id = n.event_id
      JOIN event_types et ON et.id = n.event_type_id
      LEFT JOIN notification_rules nr ON nr.id = n.rule_id
      LEFT JOIN templates t ON t.id = coalesce(nr.template_id, et.template_id)
      LEFT JOIN template_versions tv ON tv.template_id = t.id AND tv.version = t.published_version
     WHERE n.digest_id = ANY(${uuidArray(digestIds)}) AND n.status = 'batched'
     ORDER BY e.created_at, n.id`);
  const items: DigestItemRow[] = [];
  const unreadable: Unreadable[] = [];
  for (const { organization_id, event_id, data_sealed, ...row } of result.rows) {
    const data = await openEventData(keys, organization_id, event_id, { sealed: data_sealed, plain: row.data });
    if (data.ok) items.push({ ...row, data: data.value });
    else unreadable.push({ id: row.digest_id, error: data.error });
  }
  return { items, unreadable };
}

export type DigestStatus = (typeof digestStatuses)[number];

/** A digest's next state: where its claim ends, with the provider attempts made on the way. */
export type DigestOutcome = {
  id: string;
  attempt: number;
  status: Extract<DigestStatus, "sent" | "failed" | "queued" | "suppressed" | "skipped" | "empty">;
  provider?: string;
  providerMessageId?: string | null;
  reason?: string;
  attempts?: AttemptRecord[];
  /** `queued` only: whether a send round was spent, and when the message is due. */
  counted?: boolean;
  delaySeconds?: number;
};

/**
 * Writes outcomes and attempt logs in one statement, each only while its claim still holds. A
 * suppressed digest's items end `suppressed` with it: they will not reach this address either.
 */
export async function recordDigestOutcomes(db: Database, outcomes: DigestOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map(
    (o) =>
      sql`(${o.id}::uuid, ${o.attempt}::int, ${o.status}, ${o.provider ?? null}, ${o.providerMessageId ?? null}, ${o.reason ?? null}, ${JSON.stringify(o.attempts ?? [])}::jsonb, ${o.counted ? 1 : 0}::int, ${o.delaySeconds ?? null}::int)`,
  );
  await db.execute(sql`
    WITH v(id, attempt, status, provider, message_id, reason, attempt_log, counted, delay) AS (VALUES ${sql.join(rows, sql`, `)}),
    landed AS (
      UPDATE digests d
         SET status = v.status, provider = coalesce(v.provider, d.provider), provider_message_id = coalesce(v.message_id, d.provider_message_id),
             failure_reason = v.reason, sent_at = CASE WHEN v.status = 'sent' THEN now() ELSE d.sent_at END,
             attempt_log = d.attempt_log || v.attempt_log, retry_rounds = d.retry_rounds + v.counted,
             retry_at = CASE WHEN v.status = 'queued' THEN now() + make_interval(secs => v.delay) ELSE NULL END,
             lease_expires_at = NULL, updated_at = now()
        FROM v
       WHERE d.id = v.id AND d.status = 'sending' AND d.attempts = v.attempt
      RETURNING d.id, d.status, d.failure_reason
    )
    UPDATE notifications n SET status = 'suppressed', failure_reason = landed.failure_reason, updated_at = now()
      FROM landed
     WHERE landed.status = 'suppressed' AND n.digest_id = landed.id AND n.status = 'batched'`);
}

/** Digests the recipient no longer wants: their items are recorded as skipped, with the rule. */
export async function skipDigestItems(db: Database, skips: { digestId: string; rule: string }[]): Promise<void> {
  if (skips.length === 0) return;
  const rows = skips.map((s) => sql`(${s.digestId}::uuid, ${s.rule})`);
  await db.execute(sql`
    WITH v(digest_id, rule) AS (VALUES ${sql.join(rows, sql`, `)})
    UPDATE notifications n SET status = 'skipped', decision_rule = v.rule, updated_at = now()
      FROM v WHERE n.digest_id = v.digest_id AND n.status = 'batched'`);
}

/** Dead-lettered digest jobs: the digest ends `failed`, with the last reason kept. */
export async function failDeadLetteredDigests(db: Database, digestIds: string[]): Promise<{ id: string; organizationId: string }[]> {
  if (digestIds.length === 0) return [];
  const result = await db.execute<{ id: string; organizationId: string }>(sql`
    UPDATE digests SET status = 'failed', failure_reason = 'gave up after retries: ' || coalesce(failure_reason, 'no attempt recorded'),
           lease_expires_at = NULL, updated_at = now()
     WHERE id = ANY(${uuidArray(digestIds)}) AND status IN ('queued', 'sending')
    RETURNING id, organization_id AS "organizationId"`);
  return result.rows;
}
