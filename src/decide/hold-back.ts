import { sql } from "drizzle-orm";
import type { ClaimedMail, Outcome } from "../send/mail";
import type { Services } from "../services";
import { findBlockedSends } from "./suppression-check";

export type HeldBack<C extends ClaimedMail> = { sendable: C[]; suppressed: Outcome<C>[] };

let warnedNoHashKey = false;

/**
 * Before anything else decides, for every kind of email: a suppressed address gets nothing
 * (nothing overrides a hard bounce or complaint, not even critical mail), and a paused
 * organisation's non-critical mail waits as `paused` until an operator resumes sending.
 * Everything else goes on to the recipient's choices.
 */
export async function holdBack<C extends ClaimedMail>(services: Services, table: "notifications" | "digests", claimed: C[]): Promise<HeldBack<C>> {
  const blocked = await findBlockedSends(
    services,
    claimed.map((m) => ({ id: m.id, organizationId: m.organizationId, email: m.recipient.email, critical: m.critical })),
  );
  if (!blocked.ok && !warnedNoHashKey) {
    // Without a hash key no suppression can have been stored either, so sending is still safe.
    services.log.error("suppression check skipped", { reason: blocked.error.message });
    warnedNoHashKey = true;
  }
  const suppressedIds = blocked.ok ? blocked.value : new Map();
  const suppressed: Outcome<C>[] = claimed
    .filter((m) => suppressedIds.has(m.id))
    .map((mail) => ({ mail, attempts: [], next: { status: "suppressed", reason: `address suppressed: ${suppressedIds.get(mail.id)?.reason}` } }));

  const rest = claimed.filter((m) => !suppressedIds.has(m.id));
  const pausable = rest.filter((m) => m.organization.paused && !m.critical);
  const held = new Set<string>();
  if (pausable.length > 0) {
    // Conditional on the pause still being there: a resume in between must not leave one stranded.
    const rows = sql.join(
      pausable.map((m) => sql`(${m.id}::uuid, ${m.attempt}::int)`),
      sql`, `,
    );
    const result = await services.db.execute<{ id: string }>(sql`
      UPDATE ${sql.raw(table)} n SET status = 'paused', lease_expires_at = NULL, updated_at = now()
        FROM (VALUES ${rows}) AS v(id, attempt), organizations o
       WHERE n.id = v.id AND n.attempts = v.attempt AND n.status = 'sending'
         AND o.id = n.organization_id AND o.sending_paused_at IS NOT NULL
      RETURNING n.id`);
    for (const r of result.rows) held.add(r.id);
  }
  return { sendable: rest.filter((m) => !held.has(m.id)), suppressed };
}
