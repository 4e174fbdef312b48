import { describe, expect, it } from "vitest";
import { daysBetween, pageRange } from "../../../src/operators/dashboard/analytics/range";
import { dailyRate, fillDays, labelledDays, niceCeiling } from "../../../src/operators/dashboard/analytics/series";
import type { Figures, ReportRow } from "../../../src/operators/analytics/report";
import { linePath } from "../../../src/operators/dashboard/views/charts";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const figures = (over: Partial<Figures> = {}): Figures => ({
  sent: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  opened: 0,
  clicked: 0,
  failed: 0,
  suppressed: 0,
  skipped: 0,
  batched: 0,
  cancelled: 0,
  digestsSent: 0,
  latencyMs: null,
  ...over,
});

describe("the analytics page's range", () => {
  it("defaults to the last 7 local days, today included, with the instants the API reads from the same two dates", () => {
    const range = pageRange({}, "UTC", NOW);
    expect(range.ok && { fromDay: range.value.fromDay, toDay: range.value.toDay, days: range.value.days.length, preset: range.value.preset }).toEqual({
      fromDay: "2026-03-04",
      toDay: "2026-03-10",
      days: 7,
      preset: 7,
    });
    expect(range.ok && [range.value.from.toISOString(), range.value.to.toISOString()]).toEqual(["2026-03-04T00:00:00.000Z", "2026-03-11T00:00:00.000Z"]);
  });

  it("counts local days in the organisation's zone: at 01:00 in Tokyo it is already the next day", () => {
    const range = pageRange({ days: "30" }, "Asia/Tokyo", Date.parse("2026-03-10T16:30:00Z"));
    expect(range.ok && [range.value.fromDay, range.value.toDay, range.value.days.length]).toEqual(["2026-02-10", "2026-03-11", 30]);
    expect(range.ok && range.value.from.toISOString()).toBe("2026-02-09T15:00:00.000Z");
  });

  it("takes a from–to pair of dates, both included, and refuses one the API would refuse", () => {
    const custom = pageRange({ from: "2026-01-30", to: "2026-02-02" }, "UTC", NOW);
    expect(custom.ok && [custom.value.days, custom.value.preset]).toEqual([["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"], null]);
    expect(pageRange({ from: "2026-02-02", to: "2026-01-30" }, "UTC", NOW)).toMatchObject({ ok: false, error: { path: "to", message: "must be after from" } });
    expect(pageRange({ from: "2025-01-01", to: "2026-01-01" }, "UTC", NOW)).toMatchObject({ ok: false, error: { path: "to" } });
    expect(pageRange({ from: "yesterday" }, "UTC", NOW)).toMatchObject({ ok: false, error: { path: "from" } });
    expect(pageRange({ days: "365" }, "UTC", NOW).ok).toBe(false);
  });

  it("lists calendar days across a month end and a DST change without skipping or repeating one", () => {
    expect(daysBetween("2026-03-28", "2026-04-01")).toEqual(["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01"]);
  });
});

describe("the analytics page's series", () => {
  it("fills days the report left out with zeros, keeping the reported ones in day order", () => {
    const rows: ReportRow[] = [{ day: "2026-03-02", provider: null, eventType: null, ...figures({ sent: 4, latencyMs: { p50: 10, p95: 20 } }) }];
    const filled = fillDays(["2026-03-01", "2026-03-02", "2026-03-03"], rows);
    expect(filled.map((d) => [d.day, d.sent, d.latencyMs])).toEqual([
      ["2026-03-01", 0, null],
      ["2026-03-02", 4, { p50: 10, p95: 20 }],
      ["2026-03-03", 0, null],
    ]);
  });

  it("rates bounces over the emails sent that day, digests included, and gives no rate on a day nothing was sent", () => {
    expect(dailyRate(figures({ sent: 90, digestsSent: 10, bounced: 3 }), "bounced")).toBe(0.03);
    expect(dailyRate(figures({ complained: 1 }), "complained")).toBeNull();
  });

  it("puts the top of an axis on a round number at or above the highest value", () => {
    expect([0, 1, 3, 7, 11, 26, 99, 101, 0.004].map((v) => niceCeiling(v))).toEqual([1, 1, 5, 10, 20, 50, 100, 200, 1]);
    expect(niceCeiling(0.004, 0.0001)).toBe(0.005);
    expect(niceCeiling(0.0375, 0.0375)).toBe(0.05);
  });

  it("labels at most seven days on the axis, the first and the last always among them", () => {
    expect(labelledDays(5)).toEqual([0, 1, 2, 3, 4]);
    expect(labelledDays(90)).toEqual([0, 15, 30, 45, 59, 74, 89]);
  });

  it("breaks a line where a day has no value instead of drawing through it", () => {
    const path = linePath([1, 2, null, 4], 4);
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/L/g)).toHaveLength(1);
    expect(linePath([null, null], 1)).toBe("");
  });
});
