import type { FieldError } from "../../platform/errors";
import { err, ok, type Result } from "../../platform/result";
import { isTimeZone } from "../../platform/time/time-zone";
import { zonedTimeToUtc } from "../../platform/time/zoned";

export const MAX_RANGE_DAYS = 92;
export const DEFAULT_RANGE_DAYS = 7;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

// Zone names only: Intl also takes "+05:00", which PostgreSQL's AT TIME ZONE reads with the sign reversed (POSIX).
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** A zone both this runtime and PostgreSQL read the same way. */
export const isReportZone = (tz: string): boolean => ZONE_NAME.test(tz) && isTimeZone(tz);

export type Range = { from: Date; to: Date };
export type RangeInput = { from?: string | undefined; to?: string | undefined };

/** A bare date is a local day in `timeZone`: `from` starts at its first instant, `to` ends with it, so the day is included. */
function instant(value: string, timeZone: string, edge: "start" | "end"): number {
  const date = DATE_ONLY.exec(value);
  if (!date) return Date.parse(value);
  return zonedTimeToUtc(Number(date[1]), Number(date[2]), Number(date[3]) + (edge === "end" ? 1 : 0), 0, timeZone);
}

/** The half-open range `[from, to)` a query asks for: by default the seven days up to `now`. */
export function resolveRange(input: RangeInput, timeZone: string, now: number): Result<Range, FieldError> {
  const to = input.to === undefined ? now : instant(input.to, timeZone, "end");
  const from = input.from === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : instant(input.from, timeZone, "start");
  if (to <= from) return err({ path: "to", message: "must be after from" });
  // A run of local days across a DST change is an hour longer than that many times 24 hours.
  if (to - from > MAX_RANGE_DAYS * DAY_MS + HOUR_MS) {
    return err(
      input.to === undefined
        ? { path: "from", message: `must be at most ${MAX_RANGE_DAYS} days before to` }
        : { path: "to", message: `must be at most ${MAX_RANGE_DAYS} days after from` },
    );
  }
  return ok({ from: new Date(from), to: new Date(to) });
}
