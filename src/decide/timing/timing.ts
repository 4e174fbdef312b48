import type { Database } from "../../platform/db/client";
import { validTimeZone } from "../../platform/time/time-zone";
import type { ClaimedNotification } from "../../send/claim";
import { quietHoursEnd } from "./quiet-hours";
import { admitThrottled, type ThrottleCandidate } from "./throttle";

/** The rule recorded on a notification its throttle turned away. */
export type ThrottledRule = `throttled:${string}`;

/** What timing makes of an email that would otherwise go now: wait out quiet hours, or overflow its throttle. */
export type TimingDecision = { action: "defer"; until: Date } | { action: "overflow"; overflow: "skip" | "digest"; rule: ThrottledRule };

/**
 * Quiet hours first, then the throttle, for the notifications the recipient's choices would send
 * now. A deferred email is decided again when it comes back after the window, and only then
 * admitted: a throttle counts the mail a window actually sends, so mail held overnight cannot add
 * to the limit of the morning's window, and what a throttle turns away is turned away when it would
 * have gone. Critical mail ignores quiet hours but not a throttle its rule sets. Without quiet
 * hours or throttled rules in the batch this costs a pass over it and no statement.
 */
export async function decideTiming(db: Database, sendNow: ClaimedNotification[], now: Date): Promise<Map<string, TimingDecision>> {
  const decisions = new Map<string, TimingDecision>();
  const candidates: (ThrottleCandidate & { ruleKey: string })[] = [];
  for (const n of sendNow) {
    if (n.quietHours !== null && !n.critical) {
      const until = quietHoursEnd(now, validTimeZone(n.recipient.timezone ?? n.organization.timezone), n.quietHours);
      if (until) {
        decisions.set(n.id, { action: "defer", until });
        continue;
      }
    }
    if (n.rule?.throttle) {
      candidates.push({ id: n.id, organizationId: n.organizationId, recipientId: n.recipientId, ruleId: n.rule.id, ruleKey: n.rule.key, throttle: n.rule.throttle });
    }
  }
  if (candidates.length === 0) return decisions;
  const admitted = await admitThrottled(db, candidates, now);
  for (const c of candidates) {
    if (!admitted.has(c.id)) decisions.set(c.id, { action: "overflow", overflow: c.throttle.overflow, rule: `throttled:${c.ruleKey}` });
  }
  return decisions;
}
