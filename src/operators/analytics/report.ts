import type { Database } from "../../platform/db/client";
import { loadDigestSends } from "./digests";
import { loadEngagement } from "./engagement";
import type { GroupRow, Scope } from "./groups";
import { loadOutcomes } from "./outcomes";
import { type Latency, loadSends } from "./sends";

export const counters = ["sent", "delivered", "bounced", "complained", "opened", "clicked", "failed", "suppressed", "skipped", "batched", "cancelled", "digestsSent"] as const;
export type Counter = (typeof counters)[number];

export type Figures = Record<Counter, number> & { latencyMs: Latency };
export type ReportRow = Figures & { day: string | null; provider: string | null; eventType: string | null };
export type Report = { rows: ReportRow[]; totals: Figures };

const zero = (): Figures => ({ ...(Object.fromEntries(counters.map((c) => [c, 0])) as Record<Counter, number>), latencyMs: null });

/** Orders two names with the missing one (no provider, no event type) last. */
function compareNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}

/** Orders rows by day, then provider, then event type. */
const compareRows = (a: ReportRow, b: ReportRow): number =>
  (a.day ?? "").localeCompare(b.day ?? "") || compareNames(a.provider, b.provider) || compareNames(a.eventType, b.eventType);

/**
 * One organisation's delivery figures over a range: four statements at once, each grouping its own
 * table and computing its totals in the same pass, merged here by group. Groups with nothing in
 * them do not appear.
 */
export async function loadAnalytics(db: Database, scope: Scope): Promise<Report> {
  const parts = await Promise.all([loadSends(db, scope), loadDigestSends(db, scope), loadOutcomes(db, scope), loadEngagement(db, scope)]);
  const totals = zero();
  const groups = new Map<string, ReportRow>();
  const groupOf = ({ day, provider, eventType }: GroupRow): ReportRow => {
    const key = JSON.stringify([day, provider, eventType]);
    const found = groups.get(key);
    if (found) return found;
    const created = { day, provider, eventType, ...zero() };
    groups.set(key, created);
    return created;
  };
  for (const row of parts.flat() as (GroupRow & Partial<Figures>)[]) {
    const target = row.total ? totals : groupOf(row);
    for (const c of counters) target[c] += row[c] ?? 0;
    if (row.latencyMs) target.latencyMs = row.latencyMs;
  }
  return { rows: [...groups.values()].sort(compareRows), totals };
}
