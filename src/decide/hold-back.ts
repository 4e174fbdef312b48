import { sql } from "drizzle-orm";
import { findBlockedSends } from "./suppression-check";
import type { Services } from "../services";
import type { ClaimedNotification } from "../send/claim";
import type { Outcome } from "../send/record";

export type HeldBack = { sendable: ClaimedNotification[]; suppressed: Outcome[]; paused: number };

let warnedNoHashKey = false;

/**
 * Before anything else decides: a suppressed address gets nothing (nothing overrides a hard bounce
 * or complaint, not even critical mail), and a paused organisation's non-critical mail waits as
 * `paused` until an operator resumes sending. Everything else goes on to the Decide step.
 */
export async function holdBack(services: Services, claimed: ClaimedNotification[]): Promise<HeldBack> {
  const blocked = await findBlockedSends(
    services,
    claimed.map((n) => ({ id: n.id, organizationId: n.organizationId, email: n.recipient.email, critical: n.critical })),
  );
  if (!blocked.ok && !warnedNoHashKey) {
    // Without a hash key no suppression can have been stored either, so sending is still safe.
    console.error(JSON.stringify({ level: "error", msg: "suppression check skipped", reason: blocked.error.message }));
    warnedNoHashKey = true;
  }
  const suppressedIds = blocked.ok ? blocked.value : new Map();
  const suppressed: Outcome[] = claimed
    .filter((n) => suppressedIds.has(n.id))
    .map((n) => ({ id: n.id, organizationId: n.organizationId, attempt: n.attempt, attempts: [], next: { status: "suppressed", reason: `address suppressed: ${suppressedIds.get(n.id)?.reason}` } }));

  const rest = claimed.filter((n) => !suppressedIds.has(n.id));
  const pausable = rest.filter((n) => n.organization.paused && !n.critical);
  const held = new Set<string>();
  if (pausable.length > 0) {
    // Conditional on the pause still being there: a resume in between must not leave one stranded.
    const rows = sql.join(pausable.map((n) => sql`(${n.id}::uuid, ${n.attempt}::int)`), sql`, `);
    const result = await services.db.execute<{ id: string }>(sql`
      UPDATE notifications n SET status = 'paused', lease_expires_at = NULL, updated_at = now()
        FROM (VALUES ${rows}) AS v(id, attempt), organizations o
       WHERE n.id = v.id AND n.attempts = v.attempt AND n.status = 'sending'
         AND o.id = n.organization_id AND o.sending_paused_at IS NOT NULL
      RETURNING n.id`);
    for (const r of result.rows) held.add(r.id);
  }
  return { sendable: rest.filter((n) => !held.has(n.id)), suppressed, paused: held.size };
}
