import { describe, expect, it } from "vitest";
import { quietHoursEnd } from "../../src/decide/timing/quiet-hours";

const NIGHT = { start: "22:00", end: "07:00" };
const endAt = (now: string, timeZone: string, quiet = NIGHT) => quietHoursEnd(new Date(now), timeZone, quiet)?.toISOString() ?? null;

describe("quiet hours in the recipient's time zone", () => {
  describe.each([
    // 2026-01-14/15, standard time in both zones: New York is UTC-5, Berlin UTC+1.
    { zone: "America/New_York", at2300: "2026-01-15T04:00:00Z", at0300: "2026-01-15T08:00:00Z", at0800: "2026-01-15T13:00:00Z", ends: "2026-01-15T12:00:00.000Z" },
    { zone: "Europe/Berlin", at2300: "2026-01-14T22:00:00Z", at0300: "2026-01-15T02:00:00Z", at0800: "2026-01-15T07:00:00Z", ends: "2026-01-15T06:00:00.000Z" },
  ])("22:00–07:00 in $zone", ({ zone, at2300, at0300, at0800, ends }) => {
    it("holds mail at 23:00 local until 07:00 the next morning", () => {
      expect(endAt(at2300, zone)).toBe(ends);
    });
    it("holds mail at 03:00 local until 07:00 the same morning", () => {
      expect(endAt(at0300, zone)).toBe(ends);
    });
    it("lets mail through at 08:00 local", () => {
      expect(endAt(at0800, zone)).toBeNull();
    });
  });

  it("holds a window that does not span midnight from its start up to, not including, its end", () => {
    const lunch = { start: "12:00", end: "13:00" };
    expect(endAt("2026-01-15T10:59:00Z", "Europe/Berlin", lunch)).toBeNull();
    expect(endAt("2026-01-15T11:00:00Z", "Europe/Berlin", lunch)).toBe("2026-01-15T12:00:00.000Z");
    expect(endAt("2026-01-15T11:30:00Z", "Europe/Berlin", lunch)).toBe("2026-01-15T12:00:00.000Z");
    expect(endAt("2026-01-15T12:00:00Z", "Europe/Berlin", lunch)).toBeNull();
  });

  it("ends at 07:00 local on the nights the clocks change, whatever the night's length", () => {
    // Berlin springs forward at 01:00Z on 29 March (CET → CEST) and falls back at 01:00Z on 25 October.
    expect(endAt("2026-03-28T22:00:00Z", "Europe/Berlin")).toBe("2026-03-29T05:00:00.000Z");
    expect(endAt("2026-03-29T01:30:00Z", "Europe/Berlin")).toBe("2026-03-29T05:00:00.000Z");
    expect(endAt("2026-10-24T21:00:00Z", "Europe/Berlin")).toBe("2026-10-25T06:00:00.000Z");
    // New York springs forward at 07:00Z on 8 March (EST → EDT) and falls back at 06:00Z on 1 November.
    expect(endAt("2026-03-08T04:00:00Z", "America/New_York")).toBe("2026-03-08T11:00:00.000Z");
    expect(endAt("2026-11-01T03:00:00Z", "America/New_York")).toBe("2026-11-01T12:00:00.000Z");
  });

  it("ends a window whose end the clocks skip when the gap ends", () => {
    // 02:30 does not exist in Berlin on 29 March 2026: 02:00 CET is followed by 03:00 CEST (01:00Z).
    expect(endAt("2026-03-28T23:00:00Z", "Europe/Berlin", { start: "23:00", end: "02:30" })).toBe("2026-03-29T01:00:00.000Z");
  });

  it("ends a window whose end the clocks show twice at the next showing still ahead", () => {
    const late = { start: "22:00", end: "01:30" };
    // 01:15 EDT (first pass through the repeated hour) ends at 01:30 EDT; 01:15 EST at 01:30 EST.
    expect(endAt("2026-11-01T05:15:00Z", "America/New_York", late)).toBe("2026-11-01T05:30:00.000Z");
    expect(endAt("2026-11-01T06:15:00Z", "America/New_York", late)).toBe("2026-11-01T06:30:00.000Z");
  });
});
