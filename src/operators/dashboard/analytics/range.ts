import { z } from "zod";
import { resolveRange } from "../../analytics/range";
import type { FieldError } from "../../../platform/errors";
import { err, ok, type Result } from "../../../platform/result";
import { localParts } from "../../../platform/time/zoned";

/** The ranges offered as links; any other is a from–to pair of local dates. */
export const PRESET_DAYS = [7, 30, 90] as const;

const LocalDate = z.iso.date();
export const AnalyticsPageQuery = z.object({
  days: z.enum(["7", "30", "90"]).optional(),
  from: LocalDate.optional().or(z.literal("")),
  to: LocalDate.optional().or(z.literal("")),
});

/**
 * Local days in the organisation's time zone, both included, and the instants GET /v1/analytics
 * reads from the same two dates (`from` and `to` as bare dates): the page and the API agree by construction.
 */
export type DayRange = { fromDay: string; toDay: string; days: string[]; from: Date; to: Date; preset: number | null };

const isoDay = (utcMs: number) => new Date(utcMs).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Every local day from `fromDay` to `toDay`, both included, as calendar dates (no zone maths needed). */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (let t = dayMs(fromDay); t <= dayMs(toDay); t += 86_400_000) out.push(isoDay(t));
  return out;
}

/** The last `n` local days up to today in `timeZone`, today included. */
export function lastDays(n: number, now: number, timeZone: string): { fromDay: string; toDay: string } {
  const { year, month, day } = localParts(now, timeZone);
  return { fromDay: isoDay(Date.UTC(year, month - 1, day - (n - 1))), toDay: isoDay(Date.UTC(year, month - 1, day)) };
}

/** The range a page query asks for: a preset, a from–to pair, or by default the last 7 days. */
export function pageRange(query: unknown, timeZone: string, now: number): Result<DayRange, FieldError> {
  const parsed = AnalyticsPageQuery.safeParse(query);
  if (!parsed.success) return err({ path: parsed.error.issues[0]?.path.join(".") || "range", message: "must be a date like 2026-03-01" });
  const { days, from, to } = parsed.data;
  const custom = from || to ? { fromDay: from || (to as string), toDay: to || (from as string) } : undefined;
  const preset = custom ? null : Number(days ?? PRESET_DAYS[0]);
  const picked = custom ?? lastDays(preset ?? PRESET_DAYS[0], now, timeZone);
  // The API's own rule (from before to, at most 92 days), so a range the page shows is one the API answers.
  const range = resolveRange({ from: picked.fromDay, to: picked.toDay }, timeZone, now);
  if (!range.ok) return err(range.error);
  return ok({ ...picked, days: daysBetween(picked.fromDay, picked.toDay), from: range.value.from, to: range.value.to, preset });
}
