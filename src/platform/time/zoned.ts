export type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

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

/** The wall-clock date and time at `at` in `timeZone`. */
export function localParts(at: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** The UTC instant of a local wall-clock hour; two passes settle the offset across a DST change. */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wanted = Date.UTC(year, month - 1, day, hour);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, timeZone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - guess;
    guess = wanted - offset;
  }
  return guess;
}

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function offsetAt(at: number, timeZone: string): number {
  const p = localParts(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/**
 * The first instant after `after` at which the clocks in `timeZone` show `wall`. A wall time the
 * clocks show twice (autumn's repeated hour) is the earlier one still ahead; one they skip
 * (spring's gap) is the instant the gap ends, the first moment after it that exists.
 */
export function localTimeToInstant(wall: WallTime, timeZone: string, after = Number.NEGATIVE_INFINITY): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // A zone changes offset at most once within two days, so the offsets a day either side are the only candidates.
  const offsets = [...new Set([offsetAt(asUtc - DAY_MS, timeZone), offsetAt(asUtc + DAY_MS, timeZone)])];
  const shows = offsets.map((o) => asUtc - o).filter((t) => offsetAt(t, timeZone) === asUtc - t);
  const ahead = shows.filter((t) => t > after).sort((a, b) => a - b);
  if (ahead[0] !== undefined) return ahead[0];
  if (shows.length > 0) return Math.max(...shows);
  // In the gap: the clocks jump past `wall` somewhere between the two readings; find the minute they do.
  let low = Math.min(...offsets.map((o) => asUtc - o));
  let high = Math.max(...offsets.map((o) => asUtc - o));
  while (high - low > MINUTE_MS) {
    const mid = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (mid + offsetAt(mid, timeZone) >= asUtc) high = mid;
    else low = mid;
  }
  return high;
}
