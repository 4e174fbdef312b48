import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { SuppressionReason } from "../decide/suppression-check";

type Executor = Pick<Database, "execute">;

/**
 * Where a notification stands after it was sent. Status only moves up this order, so a late or
 * reordered event changes nothing: a `delivered` arriving after the `bounced` (providers do not
 * keep order) leaves it bounced. A bounce may follow a delivery (the receiving server accepted,
 * then bounced), and a complaint outranks everything.
 */
export const STATUS_RANK = { sent: 0, delivered: 1, bounced: 2, complained: 3 } as const;
export type FollowUpStatus = Exclude<keyof typeof STATUS_RANK, "sent">;

export type StatusChange = { id: string; status: FollowUpStatus };
export type Changed = { id: string; organizationId: string; status: FollowUpStatus };

/** Where sent mail lives: a notification's own email, or a digest email carrying several. */
export type SentMail = "notifications" | "digests";

/** Moves notifications (or digests) up the order in one statement; returns those that actually changed. */
export async function advanceStatuses(db: Executor, changes: StatusChange[], table: SentMail = "notifications"): Promise<Changed[]> {
  const strongest = new Map<string, FollowUpStatus>();
  for (const c of changes) {
    const current = strongest.get(c.id);
    if (!current || STATUS_RANK[c.status] > STATUS_RANK[current]) strongest.set(c.id, c.status);
  }
  if (strongest.size === 0) return [];
  const rows = [...strongest].map(([id, status]) => sql`(${id}::uuid, ${status}::text, ${STATUS_RANK[status]}::int)`);
  const result = await db.execute<{ id: string; organization_id: string; status: FollowUpStatus }>(sql`
    WITH v(id, status, rank) AS (VALUES ${sql.join(rows, sql`, `)})
    UPDATE ${sql.raw(table)} n SET status = v.status, updated_at = now()
      FROM v
     WHERE n.id = v.id AND n.status IN ('sent', 'delivered', 'bounced', 'complained')
       AND v.rank > CASE n.status WHEN 'sent' THEN 0 WHEN 'delivered' THEN 1 WHEN 'bounced' THEN 2 ELSE 3 END
    RETURNING n.id, n.organization_id, n.status`);
  return result.rows.map((r) => ({ id: r.id, organizationId: r.organization_id, status: r.status }));
}

/** `emailHashKeyId`: the key that made `emailHash`, written on a new entry (src/platform/crypto/email-hash.ts). */
export type AddressEffect = { organizationId: string; emailHash: string; emailHashKeyId?: string | null; detail: string | null };

const REASON_ORDER = sql`ARRAY['manual', 'repeated_soft_bounce', 'hard_bounce', 'complaint']`;
const rankOf = (reason: SuppressionReason) => ["manual", "repeated_soft_bounce", "hard_bounce", "complaint"].indexOf(reason);

/** One row per address: ON CONFLICT DO UPDATE may not touch a row twice in one statement. */
function perAddress<T extends AddressEffect>(effects: T[], pick: (a: T, b: T) => T): T[] {
  const byAddress = new Map<string, T>();
  for (const e of effects) {
    const key = `${e.organizationId}|${e.emailHash}`;
    const seen = byAddress.get(key);
    byAddress.set(key, seen ? pick(seen, e) : e);
  }
  return [...byAddress.values()];
}

/**
 * Hard bounces and complaints suppress at once. An existing entry is upgraded, never downgraded:
 * a manual entry becomes a hard bounce (which only an admin can remove), a complaint stays one.
 */
export async function suppressAddresses(db: Executor, effects: (AddressEffect & { reason: "hard_bounce" | "complaint" })[]): Promise<void> {
  const rows = perAddress(effects, (a, b) => (rankOf(b.reason) > rankOf(a.reason) ? b : a)).map(
    (e) => sql`(${crypto.randomUUID()}::uuid, ${e.organizationId}::uuid, ${e.emailHash}, ${e.emailHashKeyId ?? null}::text, ${e.reason}::text, ${e.detail}::text, now())`,
  );
  if (rows.length === 0) return;
  const stronger = sql`(s.suppressed_at IS NULL OR array_position(${REASON_ORDER}, excluded.reason) > coalesce(array_position(${REASON_ORDER}, s.reason), 0))`;
  await db.execute(sql`
    INSERT INTO suppressions AS s (id, organization_id, email_hash, email_hash_key_id, reason, detail, suppressed_at)
    VALUES ${sql.join(rows, sql`, `)}
    ON CONFLICT (organization_id, email_hash) DO UPDATE SET
      reason = CASE WHEN ${stronger} THEN excluded.reason ELSE s.reason END,
      detail = CASE WHEN ${stronger} THEN excluded.detail ELSE s.detail END,
      suppressed_at = coalesce(s.suppressed_at, now()),
      updated_at = now()`);
}

/**
 * Soft bounces count per address; the count reaching `threshold` suppresses it as
 * repeated_soft_bounce. Never a single one: a full mailbox or a greylisting server recovers.
 */
export async function countSoftBounces(db: Executor, effects: AddressEffect[], threshold: number): Promise<void> {
  const counted = new Map<string, AddressEffect & { count: number }>();
  for (const e of effects) {
    const key = `${e.organizationId}|${e.emailHash}`;
    counted.set(key, { ...e, count: (counted.get(key)?.count ?? 0) + 1 });
  }
  if (counted.size === 0) return;
  const rows = [...counted.values()].map((e) => {
    const reached = e.count >= threshold;
    return sql`(${crypto.randomUUID()}::uuid, ${e.organizationId}::uuid, ${e.emailHash}, ${e.emailHashKeyId ?? null}::text, ${e.count}::int, ${reached ? "repeated_soft_bounce" : null}::text, ${e.detail}::text, ${reached ? sql`now()` : sql`NULL::timestamptz`})`;
  });
  const reaches = sql`(s.suppressed_at IS NULL AND s.soft_bounces + excluded.soft_bounces >= ${threshold}::int)`;
  await db.execute(sql`
    INSERT INTO suppressions AS s (id, organization_id, email_hash, email_hash_key_id, soft_bounces, reason, detail, suppressed_at)
    VALUES ${sql.join(rows, sql`, `)}
    ON CONFLICT (organization_id, email_hash) DO UPDATE SET
      soft_bounces = s.soft_bounces + excluded.soft_bounces,
      reason = CASE WHEN ${reaches} THEN 'repeated_soft_bounce' ELSE s.reason END,
      detail = CASE WHEN ${reaches} THEN excluded.detail ELSE s.detail END,
      suppressed_at = CASE WHEN ${reaches} THEN now() ELSE s.suppressed_at END,
      updated_at = now()`);
}

/** A delivery proves the mailbox works again: soft bounces count only while unbroken by one. */
export async function resetSoftBounces(db: Executor, addresses: Omit<AddressEffect, "detail">[]): Promise<void> {
  const pairs = [...new Set(addresses.map((a) => `${a.organizationId}|${a.emailHash}`))].map((pair) => {
    const [organizationId, emailHash] = pair.split("|");
    return sql`(${organizationId}::uuid, ${emailHash})`;
  });
  if (pairs.length === 0) return;
  await db.execute(sql`
    UPDATE suppressions SET soft_bounces = 0, updated_at = now()
     WHERE suppressed_at IS NULL AND soft_bounces > 0 AND (organization_id, email_hash) IN (${sql.join(pairs, sql`, `)})`);
}
