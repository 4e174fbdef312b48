import type { DigestSchedule } from "../preferences/model";
import { validTimeZone } from "../time/time-zone";

/** Scheduled digests hold at most this many items; past it the window closes early like a full one. */
export const SCHEDULED_MAX_ITEMS = 500;

/** When a window opened at `openedAt` is due: after its length, or at the next local hour (and weekday). */
export function dueAt(schedule: DigestSchedule, openedAt: number, timeZone: string): number {
  switch (schedule.kind) {
    case "window":
      return openedAt + schedule.minutes * 60_000;
    case "daily":
      return nextLocalOccurrence(openedAt, validTimeZone(timeZone), schedule.hour);
    case "weekly":
      return nextLocalOccurrence(openedAt, validTimeZone(timeZone), schedule.hour, schedule.weekday);
  }
}

export function maxItems(schedule: DigestSchedule): number {
  return schedule.kind === "window" ? schedule.maxItems : SCHEDULED_MAX_ITEMS;
}

/** The first instant strictly after `after` at which it is `hour`:00 (on `weekday`, if given) in `timeZone`. */
export function nextLocalOccurrence(after: number, timeZone: string, hour: number, weekday?: number): number {
  const start = localParts(after, timeZone);
  for (let day = 0; day <= 8; day++) {
    // Calendar arithmetic on the local date, done in UTC where every day has 24 hours.
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + day));
    if (weekday !== undefined && date.getUTCDay() !== weekday) continue;
    const at = zonedTimeToUtc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, timeZone);
    if (at > after) return at;
  }
  throw new Error(`no ${hour}:00 in ${timeZone} within 8 days of ${new Date(after).toISOString()}`);
}

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Isolate-scoped: building a formatter per call is the slow part of time zone maths. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(at: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** The UTC instant of a local wall-clock hour; two passes settle the offset across a DST change. */
function zonedTimeToUtc(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wanted = Date.UTC(year, month - 1, day, hour);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, timeZone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - guess;
    guess = wanted - offset;
  }
  return guess;
}
