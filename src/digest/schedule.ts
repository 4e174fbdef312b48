import type { DigestSchedule } from "../decide/preferences/model";
import { validTimeZone } from "../platform/time/time-zone";
import { localParts, zonedTimeToUtc } from "../platform/time/zoned";

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
