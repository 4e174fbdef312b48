import { localParts, localTimeToInstant } from "../../platform/time/zoned";
import type { QuietHours } from "./quiet-hours-schema";

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * When the quiet hours around `now` end, in the recipient's zone; null when `now` is outside them.
 * The window is read off the local wall clock, so it keeps its local times across DST changes: a
 * 22:00–07:00 window ends at 07:00 local whether the night was 8, 9 or 10 hours long. An end time
 * the clocks skip that night ends the window when the gap does.
 */
export function quietHoursEnd(now: Date, timeZone: string, quiet: QuietHours): Date | null {
  const at = now.getTime();
  const local = localParts(at, timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const spansMidnight = start > end;
  const inside = spansMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return null;
  // Before midnight, a window spanning it ends on the next local day.
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (spansMidnight && minute >= start ? 1 : 0)));
  const wall = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: Math.floor(end / 60), minute: end % 60 };
  return new Date(localTimeToInstant(wall, timeZone, at));
}
