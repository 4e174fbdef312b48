import { sql } from "drizzle-orm";
import { hashEmail } from "../platform/crypto/email-hash";
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

type Row = RowOf<typeof suppressions, "id" | "email_hash" | "reason" | "soft_bounces" | "detail"> & { email: Col<typeof recipients, "email"> | null; suppressed_at: Date };

const toEntry = (r: Row): SuppressionEntry => ({
  id: r.id,
  emailHash: r.email_hash,
  email: r.email,
  reason: r.reason,
  softBounces: r.soft_bounces,
  detail: r.detail,
  suppressedAt: new Date(r.suppressed_at),
});

const withEmail = sql`(SELECT r.email FROM recipients r WHERE r.organization_id = s.organization_id AND r.email_hash = s.email_hash ORDER BY r.updated_at DESC LIMIT 1)`;

export type ListOptions = { limit: number; after?: string; emailHash?: string };

/**
 * Suppressed addresses, newest first, a page at a time. The cursor is the last entry's id, compared
 * through its row so timestamps never lose precision on the way through JSON.
 */
export async function listSuppressions(db: Database, organizationId: string, options: ListOptions): Promise<{ entries: SuppressionEntry[]; next: string | null }> {
  const after = options.after
    ? sql`AND (s.suppressed_at, s.id) < (SELECT c.suppressed_at, c.id FROM suppressions c WHERE c.id = ${options.after}::uuid AND c.organization_id = s.organization_id)`
    : sql``;
  const byHash = options.emailHash ? sql`AND s.email_hash = ${options.emailHash}` : sql``;
  const result = await db.execute<Row>(sql`
    SELECT s.id, s.email_hash, ${withEmail} AS email, s.reason, s.soft_bounces, s.detail, s.suppressed_at
      FROM suppressions s
     WHERE s.organization_id = ${organizationId}::uuid AND s.suppressed_at IS NOT NULL ${byHash} ${after}
     ORDER BY s.suppressed_at DESC, s.id DESC
     LIMIT ${options.limit + 1}`);
  const entries = result.rows.slice(0, options.limit).map(toEntry);
  return { entries, next: result.rows.length > options.limit ? (entries[entries.length - 1]?.id ?? null) : null };
}

/**
 * Adds a manual suppression. An address already suppressed keeps its entry (a hard bounce must
 * not be downgraded to a manual entry that an editor could then remove); `created` says which.
 */
export async function addManualSuppression(
  db: Database,
  key: CryptoKey,
  organizationId: string,
  email: string,
  note: string | null,
): Promise<{ created: boolean; entry: SuppressionEntry }> {
  const emailHash = await hashEmail(key, email);
  const result = await db.execute<Row & { created: boolean }>(sql`
    WITH before AS (SELECT suppressed_at FROM suppressions WHERE organization_id = ${organizationId}::uuid AND email_hash = ${emailHash}),
    upserted AS (
      INSERT INTO suppressions AS s (id, organization_id, email_hash, reason, detail, suppressed_at)
      VALUES (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${emailHash}, 'manual', ${note}, now())
      ON CONFLICT (organization_id, email_hash) DO UPDATE SET
        reason = CASE WHEN s.suppressed_at IS NULL THEN 'manual' ELSE s.reason END,
        detail = CASE WHEN s.suppressed_at IS NULL THEN excluded.detail ELSE s.detail END,
        suppressed_at = coalesce(s.suppressed_at, now()),
        updated_at = now()
      RETURNING s.*)
    SELECT s.id, s.email_hash, ${withEmail} AS email, s.reason, s.soft_bounces, s.detail, s.suppressed_at,
           NOT EXISTS (SELECT 1 FROM before WHERE before.suppressed_at IS NOT NULL) AS created
      FROM upserted s`);
  const row = result.rows[0];
  if (!row) throw new Error("suppression upsert returned no row");
  return { created: row.created, entry: toEntry(row) };
}

export type RemoveError = { code: "NOT_FOUND" } | { code: "PROTECTED"; reason: SuppressionReason };

/**
 * Removes an address from the list (and its soft-bounce count). Hard bounces and complaints are
 * protected unless `force`: the route only grants that to admin keys.
 */
export async function removeSuppression(db: Database, key: CryptoKey, organizationId: string, email: string, force: boolean): Promise<Result<SuppressionEntry, RemoveError>> {
  const emailHash = await hashEmail(key, email);
  const found = await listSuppressions(db, organizationId, { limit: 1, emailHash });
  const entry = found.entries[0];
  if (!entry) return err({ code: "NOT_FOUND" });
  if (!force && (entry.reason === "hard_bounce" || entry.reason === "complaint")) return err({ code: "PROTECTED", reason: entry.reason });
  await db.execute(sql`DELETE FROM suppressions WHERE id = ${entry.id}::uuid AND organization_id = ${organizationId}::uuid`);
  return ok(entry);
}
