import { sql } from "drizzle-orm";
import { recordAuditEntry } from "../platform/audit/record";
import type { Database } from "../platform/db/client";
import type { Env } from "../env";
import type { Services } from "../services";
import type { Col } from "../platform/db/rows";
import type { organizations } from "../platform/db/schema";

export type GuardSettings = { window: number; minSample: number; bounceRate: number; complaintRate: number };

export const guardSettings = (env: Env): GuardSettings => ({
  window: env.BOUNCE_GUARD_WINDOW,
  minSample: env.BOUNCE_GUARD_MIN_SAMPLE,
  bounceRate: env.BOUNCE_RATE_THRESHOLD,
  complaintRate: env.COMPLAINT_RATE_THRESHOLD,
});

export type OrganizationRates = {
  organizationId: string;
  /** Sent emails judged (notifications and digests): the organisation's last `window` since its last resume, fewer when it has sent fewer. */
  sample: number;
  bounced: number;
  complained: number;
  bounceRate: number;
  complaintRate: number;
  pausedAt: Date | null;
  pausedReason: string | null;
  /** Only mail sent after this is judged. */
  resumedAt: Date | null;
};

type O = typeof organizations;
type RatesRow = {
  id: Col<O, "id">;
  sample: number;
  bounced: number;
  complained: number;
  paused_at: Col<O, "sending_paused_at">;
  paused_reason: Col<O, "sending_paused_reason">;
  resumed_at: Col<O, "sending_resumed_at">;
};

/**
 * Bounce and complaint rates over each organisation's last `window` sent emails (notifications
 * sent on their own and digest emails), in one query. After a resume only mail sent since counts: the operator cleaned the list, and the old
 * bounces (some still arriving by webhook) would otherwise pause sending again at once. Only hard bounces count (a notification is `bounced` only for those): soft bounces are
 * how peers report 4% to themselves while the provider sees 0.6%.
 */
export async function loadRates(db: Database, organizationIds: string[], window: number): Promise<Map<string, OrganizationRates>> {
  const rates = new Map<string, OrganizationRates>();
  if (organizationIds.length === 0) return rates;
  const ids = sql.join(
    organizationIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const result = await db.execute<RatesRow>(sql`
    SELECT o.id, r.sample, r.bounced, r.complained, o.sending_paused_at AS paused_at, o.sending_paused_reason AS paused_reason,
           o.sending_resumed_at AS resumed_at
      FROM organizations o
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS sample,
               (count(*) FILTER (WHERE recent.status = 'bounced'))::int AS bounced,
               (count(*) FILTER (WHERE recent.status = 'complained'))::int AS complained
          FROM (SELECT status, sent_at FROM (
                  (SELECT n.status, n.sent_at FROM notifications n
                    WHERE n.organization_id = o.id AND n.sent_at IS NOT NULL
                      AND (o.sending_resumed_at IS NULL OR n.sent_at > o.sending_resumed_at)
                    ORDER BY n.sent_at DESC LIMIT ${window})
                  UNION ALL
                  (SELECT d.status, d.sent_at FROM digests d
                    WHERE d.organization_id = o.id AND d.sent_at IS NOT NULL
                      AND (o.sending_resumed_at IS NULL OR d.sent_at > o.sending_resumed_at)
                    ORDER BY d.sent_at DESC LIMIT ${window})
                ) mail ORDER BY sent_at DESC LIMIT ${window}) recent
      ) r
     WHERE o.id IN (${ids})`);
  for (const row of result.rows) {
    const rate = (count: number) => (row.sample > 0 ? count / row.sample : 0);
    rates.set(row.id, {
      organizationId: row.id,
      sample: row.sample,
      bounced: row.bounced,
      complained: row.complained,
      bounceRate: rate(row.bounced),
      complaintRate: rate(row.complained),
      pausedAt: row.paused_at === null ? null : new Date(row.paused_at),
      pausedReason: row.paused_reason,
      resumedAt: row.resumed_at === null ? null : new Date(row.resumed_at),
    });
  }
  return rates;
}

/**
 * How many of the organisation's emails are held while sending is paused (status `paused`,
 * written by src/decide/hold-back.ts): notifications and digests. A resume sends them.
 * GET /v1/sending reports it as `held`.
 */
export async function countHeld(db: Database, organizationId: string): Promise<number> {
  const result = await db.execute<{ held: number }>(sql`
    SELECT (SELECT count(*) FROM notifications WHERE organization_id = ${organizationId}::uuid AND status = 'paused')::int
         + (SELECT count(*) FROM digests WHERE organization_id = ${organizationId}::uuid AND status = 'paused')::int AS held`);
  return result.rows[0]?.held ?? 0;
}

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;
/** count/sample ≥ threshold, in integers: 3/100 against 0.03 must not depend on floating-point rounding. */
const reaches = (count: number, sample: number, threshold: number) => count * 1_000_000 >= Math.round(threshold * 1_000_000) * sample;

/**
 * Why sending should pause, or undefined. A rate at the threshold trips it: the target is to stay
 * under it. Below the minimum sample nothing trips: one bounce in ten sends says little.
 */
export function tripReason(r: Pick<OrganizationRates, "sample" | "bounced" | "complained">, s: GuardSettings): string | undefined {
  if (r.sample < s.minSample) return undefined;
  const over = `over the last ${r.sample} sent emails`;
  if (reaches(r.complained, r.sample, s.complaintRate)) return `complaint rate ${percent(r.complained / r.sample)} ${over} reached the threshold of ${percent(s.complaintRate)}`;
  if (reaches(r.bounced, r.sample, s.bounceRate)) return `bounce rate ${percent(r.bounced / r.sample)} ${over} reached the threshold of ${percent(s.bounceRate)}`;
  return undefined;
}

export type GuardReport = { paused: string[]; alerts: Promise<void>[] };

/**
 * Pauses non-critical sending of each organisation whose rates reached a threshold, once (the
 * conditional update is what makes two concurrent webhook batches pause and alert only once), and
 * fires the bounce_guard alert. `alerts` are the webhook POSTs, for the caller's `waitUntil`.
 */
export async function evaluateGuard(services: Services, organizationIds: string[]): Promise<GuardReport> {
  const settings = guardSettings(services.env);
  const report: GuardReport = { paused: [], alerts: [] };
  const rates = await loadRates(services.db, organizationIds, settings.window);
  for (const r of rates.values()) {
    const reason = r.pausedAt ? undefined : tripReason(r, settings);
    if (!reason) continue;
    const paused = await services.db.execute<{ id: string }>(sql`
      UPDATE organizations SET sending_paused_at = now(), sending_paused_reason = ${reason}, updated_at = now()
       WHERE id = ${r.organizationId}::uuid AND sending_paused_at IS NULL
      RETURNING id`);
    if (paused.rows.length === 0) continue;
    report.paused.push(r.organizationId);
    const details = { reason, sample: r.sample, bounced: r.bounced, complained: r.complained };
    await recordAuditEntry(services.db, {
      organizationId: r.organizationId,
      actor: { type: "system", id: "bounce-guard" },
      action: "sending.pause",
      targetType: "organization",
      targetId: r.organizationId,
      details,
    });
    const fired = await services.alerts.fire({
      kind: "bounce_guard",
      organizationId: r.organizationId,
      subject: "Sending paused by the bounce-rate guard",
      message: `Non-critical sending is paused: ${reason}. Clean the list, then resume with POST /v1/sending/resume.`,
      details: { sample: r.sample, bounced: r.bounced, complained: r.complained, thresholds: { bounceRate: settings.bounceRate, complaintRate: settings.complaintRate } },
    });
    if (!fired.ok) services.log.error("bounce guard alert not raised", { organizationId: r.organizationId, error: fired.error.message });
    else if (fired.value.fired) report.alerts.push(fired.value.delivery);
  }
  return report;
}
