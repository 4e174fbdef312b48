import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { validTimeZone } from "../platform/time/time-zone";
import { digestWindowName, type WindowKey } from "../digest/window-types";
import { loadPreferences } from "./preferences/load";
import type { DecisionRule, DigestSchedule, ResolvedPreferences } from "./preferences/model";
import { effectiveCategory, resolveDecision } from "./preferences/resolve";
import { decideTiming, type ThrottledRule } from "./timing/timing";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import type { ClaimedNotification } from "../send/claim";
import { mapWithConcurrency } from "../platform/concurrency";

/** What the Decide step made of a claimed notification: send it now, skip it, leave it to a digest, or hold it until quiet hours end. */
export type Decision =
  | { action: "send"; rule: DecisionRule | "digest_burst" | "digest_unavailable" }
  | { action: "skip"; rule: DecisionRule | ThrottledRule }
  | { action: "batch"; rule: DecisionRule | ThrottledRule; digestKey: string; digestId: string }
  | { action: "defer"; rule: "quiet_hours"; until: Date };

/** DigestWindow calls in flight at once; one call carries every item of one key in the batch. */
const WINDOW_CONCURRENCY = 6;

type Group = { key: WindowKey; schedule: DigestSchedule; timeZone: string; throttled: boolean; items: { id: string; rule: DecisionRule | ThrottledRule }[] };

const NO_PREFERENCES: ResolvedPreferences = { unsubscribedAll: false, categories: {} };

/**
 * Decides a batch of claimed notifications from the recipients' preferences (cache first), the
 * event types' critical flags, quiet hours and the rules' throttles, and hands digest items to
 * their DigestWindow. It records nothing: `recordDecisions` writes what is not sent now, the
 * caller sends the rest.
 */
export async function decideNotifications(services: Services, claimed: ClaimedNotification[]): Promise<Map<string, Decision>> {
  const decisions = new Map<string, Decision>();
  if (claimed.length === 0) return decisions;
  const prefs = await loadPreferences(
    services.db,
    services.preferences,
    claimed.map((n) => ({ organizationId: n.organizationId, recipientId: n.recipientId })),
  );
  const now = services.clock.now();

  const groups = new Map<string, Group>();
  const join = (n: ClaimedNotification, schedule: DigestSchedule, rule: DecisionRule | ThrottledRule, throttled: boolean) => {
    const key = { organizationId: n.organizationId, recipientId: n.recipientId, category: n.category };
    // Throttled items never take a burst's send-at-once: that would be the email the throttle refused.
    const name = `${digestWindowName(key)}${throttled ? "|throttled" : ""}`;
    const group = groups.get(name) ?? {
      key,
      schedule: throttled && schedule.kind === "window" ? { ...schedule, burst: false } : schedule,
      timeZone: validTimeZone(n.recipient.timezone ?? n.organization.timezone),
      throttled,
      items: [],
    };
    group.items.push({ id: n.id, rule });
    groups.set(name, group);
  };

  const sendNow: ClaimedNotification[] = [];
  for (const n of claimed) {
    const resolution = resolveDecision(prefs.get(n.recipientId) ?? NO_PREFERENCES, n);
    if (resolution.action === "digest") join(n, resolution.digest, resolution.rule, false);
    else decisions.set(n.id, resolution);
    if (resolution.action === "send") sendNow.push(n);
  }
  const timing = await decideTiming(services.db, sendNow, now);
  for (const n of sendNow) {
    const t = timing.get(n.id);
    if (!t) continue;
    if (t.action === "defer") decisions.set(n.id, { action: "defer", rule: "quiet_hours", until: t.until });
    else if (t.overflow === "skip") decisions.set(n.id, { action: "skip", rule: t.rule });
    else {
      decisions.delete(n.id);
      join(n, effectiveCategory(prefs.get(n.recipientId) ?? NO_PREFERENCES, n.category).digest, t.rule, true);
    }
  }

  await mapWithConcurrency([...groups.values()], WINDOW_CONCURRENCY, async (g) => {
    const name = digestWindowName(g.key);
    const rules = new Map(g.items.map((i) => [i.id, i.rule]));
    try {
      const stub = services.env.DIGEST_WINDOW.get(services.env.DIGEST_WINDOW.idFromName(name));
      const placements = await stub.add({ key: g.key, schedule: g.schedule, timeZone: g.timeZone, notificationIds: [...rules.keys()], now: now.getTime() });
      for (const p of placements) {
        const rule = rules.get(p.notificationId) ?? "system_default";
        decisions.set(p.notificationId, p.digestId ? { action: "batch", rule, digestKey: name, digestId: p.digestId } : { action: "send", rule: "digest_burst" });
      }
    } catch (e) {
      services.log.error("digest window unavailable", { key: name, throttled: g.throttled, error: messageOf(e) });
      // Better an email now than one held nowhere. Should the window have kept the item anyway, its
      // digest leaves it out: a digest only carries items marked `batched` into it. A throttled item
      // is the exception: sending it would break the throttle, so it stays undecided (and `sending`)
      // until its lease lapses and it is decided again.
      if (g.throttled) return;
      for (const id of rules.keys()) if (!decisions.has(id)) decisions.set(id, { action: "send", rule: "digest_unavailable" });
    }
  });
  return decisions;
}

/**
 * Marks skipped, batched and deferred notifications in one statement, only while the caller's
 * claim holds (`sending` at the claimed attempt). A batched mark also needs its digest not to have
 * started sending: a notification marked after that would be in no email, so it stays `sending`,
 * its lease lapses, and it is decided again into the next window. A deferred one waits as
 * `scheduled` until its quiet hours end, when the sweep releases it and it is decided again.
 * Returns the ids whose mark landed.
 */
export async function recordDecisions(db: Database, claimed: Pick<ClaimedNotification, "id" | "attempt">[], decisions: Map<string, Decision>): Promise<Set<string>> {
  const status = { skip: "skipped", batch: "batched", defer: "scheduled" } as const;
  const rows = claimed.flatMap((n) => {
    const d = decisions.get(n.id);
    if (!d || d.action === "send") return [];
    const digestId = d.action === "batch" ? d.digestId : null;
    const until = d.action === "defer" ? d.until.toISOString() : null;
    return [sql`(${n.id}::uuid, ${n.attempt}::int, ${status[d.action]}, ${d.rule}, ${digestId}::uuid, ${until}::timestamptz)`];
  });
  if (rows.length === 0) return new Set();
  const result = await db.execute<{ id: string }>(sql`
    WITH v(id, attempt, status, rule, digest_id, retry_at) AS (VALUES ${sql.join(rows, sql`, `)})
    UPDATE notifications n
       SET status = v.status, decision_rule = v.rule, digest_id = v.digest_id, retry_at = coalesce(v.retry_at, n.retry_at),
           lease_expires_at = NULL, updated_at = now()
      FROM v
     WHERE n.id = v.id AND n.status = 'sending' AND n.attempts = v.attempt
       AND (v.digest_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM digests d WHERE d.id = v.digest_id AND d.status NOT IN ('open', 'queued')))
    RETURNING n.id`);
  return new Set(result.rows.map((r) => r.id));
}
