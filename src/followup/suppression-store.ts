import { sql } from "drizzle-orm";
import { type EmailHashKeys, hashesUnderEvery } from "../platform/crypto/email-hash";
import { textArray } from "../platform/db/sql";
import { openPersonal } from "../platform/crypto/personal-data";
import type { SealingKeys } from "../platform/crypto/sealed-box";
import type { Database } from "../platform/db/client";
import { err, ok, type Result } from "../platform/result";
import type { SuppressionReason } from "../decide/suppression-check";
import type { Col, RowOf } from "../platform/db/rows";
import type { recipients, suppressions } from "../platform/db/schema";

export type SuppressionEntry = {
  id: string;
  emailHash: string;
  /** Known when a recipient of the organisation has this address; the list itself keeps none. */
  email: string | null;
  reason: SuppressionReason | null;
  softBounces: number;
  detail: string | null;
  suppressedAt: Date;
};

type Row = RowOf<typeof suppressions, "id" | "organization_id" | "email_hash" | "reason" | "soft_bounces" | "detail"> & {
  recipient: { id: Col<typeof recipients, "id">; email: Col<typeof recipients, "email">; email_sealed: Col<typeof recipients, "email_sealed"> } | null;
  suppressed_at: Date;
};

/** The address is shown when it opens; without the key that sealed it the entry shows its hash alone. */
async function toEntry(r: Row, keys: SealingKeys | undefined): Promise<SuppressionEntry> {
  const opened = r.recipient
    ? await openPersonal(
        keys,
        { column: "recipients.email", organizationId: r.organization_id, rowId: r.recipient.id },
        { sealed: r.recipient.email_sealed, plain: r.recipient.email },
      )
    : undefined;
  return {
    id: r.id,
    emailHash: r.email_hash,
    email: opened?.ok && opened.value ? opened.value : null,
    reason: r.reason,
    softBounces: r.soft_bounces,
    detail: r.detail,
    suppressedAt: new Date(r.suppressed_at),
  };
}

const withEmail = sql`(SELECT jsonb_build_object('id', r.id, 'email', r.email, 'email_sealed', r.email_sealed) FROM recipients r
                        WHERE r.organization_id = s.organization_id AND r.email_hash = s.email_hash ORDER BY r.updated_at DESC LIMIT 1)`;

/** `sealing` opens the addresses of the organisation's recipients shown beside their hashes. */
export type ListOptions = { limit: number; after?: string /** One address's hashes under every live key. */; emailHashes?: string[]; sealing?: SealingKeys | undefined };

/**
 * Suppressed addresses, newest first, a page at a time. The cursor is the last entry's id, compared
 * through its row so timestamps never lose precision on the way through JSON.
 */
export async function listSuppressions(db: Database, organizationId: string, options: ListOptions): Promise<{ entries: SuppressionEntry[]; next: string | null }> {
  const after = options.after
    ? sql`AND (s.suppressed_at, s.id) < (SELECT c.suppressed_at, c.id FROM suppressions c WHERE c.id = ${options.after}::uuid AND c.organization_id = s.organization_id)`
    : sql``;
  const byHash = options.emailHashes ? sql`AND s.email_hash = ANY(${textArray(options.emailHashes)})` : sql``;
  const result = await db.execute<Row>(sql`
    SELECT s.id, s.organization_id, s.email_hash, ${withEmail} AS recipient, s.reason, s.soft_bounces, s.detail, s.suppressed_at
      FROM suppressions s
     WHERE s.organization_id = ${organizationId}::uuid AND s.suppressed_at IS NOT NULL ${byHash} ${after}
     ORDER BY s.suppressed_at DESC, s.id DESC
     LIMIT ${options.limit + 1}`);
  const entries = await Promise.all(result.rows.slice(0, options.limit).map((r) => toEntry(r, options.sealing)));
  return { entries, next: result.rows.length > options.limit ? (entries[entries.length - 1]?.id ?? null) : null };
}

/**
 * Adds a manual suppression. An address already suppressed keeps its entry (a hard bounce must
 * not be downgraded to a manual entry that an editor could then remove); `created` says which.
 */
export async function addManualSuppression(
  db: Database,
  keys: EmailHashKeys,
  organizationId: string,
  email: string,
  note: string | null,
): Promise<{ created: boolean; entry: SuppressionEntry }> {
  // An address already listed under the previous hash key keeps its entry; a new one is hashed under the current key.
  const hashes = await hashesUnderEvery(keys, email);
  const listed = await db.execute<{ email_hash: string }>(sql`
    SELECT email_hash FROM suppressions WHERE organization_id = ${organizationId}::uuid AND email_hash = ANY(${textArray(hashes.map((h) => h.hash))})`);
  const target = hashes.find((h) => listed.rows.some((r) => r.email_hash === h.hash)) ?? hashes[0];
  if (!target) throw new Error("no address-hash key");
  const emailHash = target.hash;
  const result = await db.execute<Row & { created: boolean }>(sql`
    WITH before AS (SELECT suppressed_at FROM suppressions WHERE organization_id = ${organizationId}::uuid AND email_hash = ${emailHash}),
    upserted AS (
      INSERT INTO suppressions AS s (id, organization_id, email_hash, email_hash_key_id, reason, detail, suppressed_at)
      VALUES (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${emailHash}, ${target.keyId}, 'manual', ${note}, now())
      ON CONFLICT (organization_id, email_hash) DO UPDATE SET
        reason = CASE WHEN s.suppressed_at IS NULL THEN 'manual' ELSE s.reason END,
        detail = CASE WHEN s.suppressed_at IS NULL THEN excluded.detail ELSE s.detail END,
        suppressed_at = coalesce(s.suppressed_at, now()),
        updated_at = now()
      RETURNING s.*)
    SELECT s.id, s.organization_id, s.email_hash, NULL::jsonb AS recipient, s.reason, s.soft_bounces, s.detail, s.suppressed_at,
           NOT EXISTS (SELECT 1 FROM before WHERE before.suppressed_at IS NOT NULL) AS created
      FROM upserted s`);
  const row = result.rows[0];
  if (!row) throw new Error("suppression upsert returned no row");
  // The caller knows the address it just suppressed: no recipient look-up, nothing to open.
  return { created: row.created, entry: await toEntry(row, undefined) };
}

export type RemoveError = { code: "NOT_FOUND" } | { code: "PROTECTED"; reason: SuppressionReason };

/**
 * Removes an address from the list (and its soft-bounce count). Hard bounces and complaints are
 * protected unless `force`: the route only grants that to admin keys.
 */
export async function removeSuppression(db: Database, keys: EmailHashKeys, organizationId: string, email: string, force: boolean): Promise<Result<SuppressionEntry, RemoveError>> {
  const emailHashes = (await hashesUnderEvery(keys, email)).map((h) => h.hash);
  const found = await listSuppressions(db, organizationId, { limit: 1, emailHashes });
  const entry = found.entries[0];
  if (!entry) return err({ code: "NOT_FOUND" });
  if (!force && (entry.reason === "hard_bounce" || entry.reason === "complaint")) return err({ code: "PROTECTED", reason: entry.reason });
  await db.execute(sql`DELETE FROM suppressions WHERE id = ${entry.id}::uuid AND organization_id = ${organizationId}::uuid`);
  return ok(entry);
}
