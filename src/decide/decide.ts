import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { validTimeZone } from "../platform/time/time-zone";
import { digestWindowName, type WindowKey } from "../digest/window-types";
import { loadPreferences } from "./preferences/load";
import type { DecisionRule, DigestSchedule } from "./preferences/model";
import { resolveDecision } from "./preferences/resolve";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import type { ClaimedNotification } from "../send/claim";
import { mapWithConcurrency } from "../platform/concurrency";

/** What the Decide step made of a claimed notification: send it now, skip it, or leave it to a digest. */
export type Decision =
  | { action: "send"; rule: DecisionRule | "digest_burst" | "digest_unavailable" }
  | { action: "skip"; rule: DecisionRule }
  | { action: "batch"; rule: DecisionRule; digestKey: string; digestId: string };

/** DigestWindow calls in flight at once; one call carries every item of one key in the batch. */
const WINDOW_CONCURRENCY = 6;

type Group = { key: WindowKey; schedule: DigestSchedule; timeZone: string; rule: DecisionRule; ids: string[] };

/**
 * Decides a batch of claimed notifications from the recipients' preferences (cache first) and the
 * event types' critical flags, and hands digest items to their DigestWindow. It records nothing:
 * `recordDecisions` writes the skipped and batched ones, the caller sends the rest.
 */
export async function decideNotifications(services: Services, claimed: ClaimedNotification[]): Promise<Map<string, Decision>> {
  const decisions = new Map<string, Decision>();
  if (claimed.length === 0) return decisions;
  const prefs = await loadPreferences(
    services.db,
    services.preferences,
    claimed.map((n) => ({ organizationId: n.organizationId, recipientId: n.recipientId })),
  );

  const groups = new Map<string, Group>();
  for (const n of claimed) {
    const resolution = resolveDecision(prefs.get(n.recipientId) ?? { unsubscribedAll: false, categories: {} }, n);
    if (resolution.action !== "digest") {
      decisions.set(n.id, resolution);
      continue;
    }
    const key = { organizationId: n.organizationId, recipientId: n.recipientId, category: n.category };
    const name = digestWindowName(key);
    const group = groups.get(name) ?? {
      key,
      schedule: resolution.digest,
      timeZone: validTimeZone(n.recipient.timezone ?? n.organization.timezone),
      rule: resolution.rule,
      ids: [],
    };
    group.ids.push(n.id);
    groups.set(name, group);
  }

  const now = services.clock.now().getTime();
  await mapWithConcurrency([...groups.entries()], WINDOW_CONCURRENCY, async ([name, g]) => {
    try {
      const stub = services.env.DIGEST_WINDOW.get(services.env.DIGEST_WINDOW.idFromName(name));
      const placements = await stub.add({ key: g.key, schedule: g.schedule, timeZone: g.timeZone, notificationIds: g.ids, now });
      for (const p of placements) {
        decisions.set(p.notificationId, p.digestId ? { action: "batch", rule: g.rule, digestKey: name, digestId: p.digestId } : { action: "send", rule: "digest_burst" });
      }
    } catch (e) {
      // Better an email now than one held nowhere. Should the window have kept the item anyway, its
      // digest leaves it out: a digest only carries items marked `batched` into it.
      services.log.error("digest window unavailable, sending now", { key: name, error: messageOf(e) });
      for (const id of g.ids) if (!decisions.has(id)) decisions.set(id, { action: "send", rule: "digest_unavailable" });
    }
  });
  return decisions;
}

/**
 * Marks skipped and batched notifications in one statement, only while the caller's claim holds
 * (`sending` at the claimed attempt). A batched mark also needs its digest not to have started
 * sending: a notification marked after that would be in no email, so it stays `sending`, its lease
 * lapses, and it is decided again into the next window. Returns the ids whose mark landed.
 */
export async function recordDecisions(db: Database, claimed: Pick<ClaimedNotification, "id" | "attempt">[], decisions: Map<string, Decision>): Promise<Set<string>> {
  const rows = claimed.flatMap((n) => {
    const d = decisions.get(n.id);
    if (!d || d.action === "send") return [];
    const digestId = d.action === "batch" ? d.digestId : null;
    return [sql`(${n.id}::uuid, ${n.attempt}::int, ${d.action === "skip" ? "skipped" : "batched"}, ${d.rule}, ${digestId}::uuid)`];
  });
  if (rows.length === 0) return new Set();
  const result = await db.execute<{ id: string }>(sql`
    WITH v(id, attempt, status, rule, digest_id) AS (VALUES ${sql.join(rows, sql`, `)})
    UPDATE notifications n
       SET status = v.status, decision_rule = v.rule, digest_id = v.digest_id, lease_expires_at = NULL, updated_at = now()
      FROM v
     WHERE n.id = v.id AND n.status = 'sending' AND n.attempts = v.attempt
       AND (v.digest_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM digests d WHERE d.id = v.digest_id AND d.status NOT IN ('open', 'queued')))
    RETURNING n.id`);
  return new Set(result.rows.map((r) => r.id));
}
