import { sql } from "drizzle-orm";
import type { suppressionReasons } from "../platform/db/schema/suppressions";
import { hashEmails, normalizeEmail } from "../platform/crypto/email-hash";
import { type BaseError, err, ok, type Result } from "../platform/result";
import type { Services } from "../services";
import type { RowOf } from "../platform/db/rows";
import type { suppressions } from "../platform/db/schema";

export type SuppressionReason = (typeof suppressionReasons)[number];

/**
 * Whether a suppression stops this email. Nothing overrides a hard bounce or a complaint: mailing
 * a dead address or someone who reported spam is what costs the sender its reputation. Critical
 * mail (password resets, security alerts) does go past a manual or repeated-soft-bounce entry,
 * which say "probably unwanted or unreachable", not "never".
 */
export function blocksSend(reason: SuppressionReason | null, critical: boolean): boolean {
  if (reason === null) return false;
  if (reason === "hard_bounce" || reason === "complaint") return true;
  return !critical;
}

export type SendCandidate = { id: string; organizationId: string; email: string; critical: boolean };
export type Blocked = { reason: SuppressionReason };
export type SuppressionCheckError = BaseError<"NO_HASH_KEY">;

type Row = RowOf<typeof suppressions, "organization_id" | "email_hash" | "reason">;

/**
 * The send-time check for a batch, in one query: which candidates must not be sent (their ids, with
 * the reason). The caller marks those `suppressed` instead of sending them.
 */
export async function findBlockedSends(services: Services, candidates: SendCandidate[]): Promise<Result<Map<string, Blocked>, SuppressionCheckError>> {
  const blocked = new Map<string, Blocked>();
  if (candidates.length === 0) return ok(blocked);
  const keys = await services.keys.emailHashes();
  if (!keys) return err({ code: "NO_HASH_KEY", message: "Neither EMAIL_HASH_KEY nor SECRETS_KEY is set: addresses cannot be checked.", retry: false });
  // Under every live key: an entry hashed before EMAIL_HASH_KEY rotated still stops the send.
  const live = keys.previous ? [keys.current, keys.previous] : [keys.current];
  const hashes = await Promise.all(
    live.map((k) =>
      hashEmails(
        k.key,
        candidates.map((c) => c.email),
      ),
    ),
  );
  const hashesOf = (c: SendCandidate) => hashes.map((h) => h.get(normalizeEmail(c.email)) ?? "");
  const pairs = [...new Set(candidates.flatMap((c) => hashesOf(c).map((h) => `${c.organizationId}|${h}`)))].map((pair) => {
    const [organizationId, hash] = pair.split("|");
    return sql`(${organizationId}::uuid, ${hash})`;
  });
  const result = await services.db.execute<Row>(sql`
    SELECT organization_id, email_hash, reason FROM suppressions
     WHERE suppressed_at IS NOT NULL AND (organization_id, email_hash) IN (${sql.join(pairs, sql`, `)})`);
  const reasons = new Map(result.rows.map((r) => [`${r.organization_id}|${r.email_hash}`, r.reason]));
  for (const c of candidates) {
    for (const hash of hashesOf(c)) {
      const reason = reasons.get(`${c.organizationId}|${hash}`);
      if (reason !== undefined && blocksSend(reason, c.critical)) {
        blocked.set(c.id, { reason: reason ?? "manual" });
        break;
      }
    }
  }
  return ok(blocked);
}

/** One address: would an email of this criticality be stopped? (The batch form is `findBlockedSends`.) */
export async function isSuppressed(
  services: Services,
  input: { organizationId: string; email: string; critical?: boolean },
): Promise<Result<Blocked | undefined, SuppressionCheckError>> {
  const result = await findBlockedSends(services, [{ id: "one", organizationId: input.organizationId, email: input.email, critical: input.critical ?? false }]);
  return result.ok ? ok(result.value.get("one")) : result;
}
