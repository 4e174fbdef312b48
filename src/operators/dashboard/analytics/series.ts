import { type Counter, counters, type Figures, type ReportRow } from "../../analytics/report";

/** The counters the analytics page charts per day, in the order a message's life reads. */
export const CHARTED: readonly { key: Counter; label: string }[] = [
  { key: "sent", label: "Sent" },
  { key: "delivered", label: "Delivered" },
  { key: "bounced", label: "Bounced" },
  { key: "complained", label: "Complained" },
  { key: "opened", label: "Opened" },
  { key: "clicked", label: "Clicked" },
  { key: "failed", label: "Failed" },
  { key: "suppressed", label: "Suppressed" },
];

export type DayRow = Figures & { day: string };

const zero = (day: string): DayRow => ({ ...(Object.fromEntries(counters.map((c) => [c, 0])) as Record<Counter, number>), latencyMs: null, day });

/** One row per day of the range, oldest first: days the report left out (nothing happened) as zeros. */
export function fillDays(days: readonly string[], rows: readonly ReportRow[]): DayRow[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const found = byDay.get(day);
    if (!found) return zero(day);
    const { provider: _provider, eventType: _eventType, ...figures } = found;
    return { ...figures, day };
  });
}

/**
 * Hard and soft bounces (and complaints) over the emails sent that day, notifications and digests
 * alike, as the guard counts sent emails; null on a day nothing was sent (no rate, not a zero one).
 * The guard itself judges its last N sent emails: these daily rates show when the trouble started.
 */
export function dailyRate(row: Figures, of: "bounced" | "complained"): number | null {
  const sent = row.sent + row.digestsSent;
  return sent === 0 ? null : row[of] / sent;
}

/**
 * The top of a chart's value axis: the smallest 1, 2, 2.5 or 5 × 10^k at or above `max`, so grid
 * lines fall on round numbers; at least `floor` (an empty chart still has an axis).
 */
export function niceCeiling(max: number, floor = 1): number {
  const target = Math.max(max, floor);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * magnitude;
    // Rounded: 0.3 × 10 is not exactly 3 in floating point.
    if (Number(candidate.toPrecision(12)) >= target) return Number(candidate.toPrecision(12));
  }
  return 10 * magnitude;
}

/** Where a value sits on an axis from 0 (bottom, `height`) to `top` (0). */
export const yFor = (value: number, top: number, height: number) => height - (value / top) * height;

/** A day's label on an axis: "Mar 1" style would need a locale; the ISO month and day read the same everywhere. */
export const shortDay = (day: string) => day.slice(5);

/** Axis labels for at most `max` of `days`, evenly spaced, always including the first and last. */
export function labelledDays(count: number, max = 7): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const step = (count - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => Math.round(i * step));
}
