import { type GuardSettings, guardSettings } from "../../../followup/guard";
import type { Services } from "../../../services";
import { type Figures, loadAnalytics, type ReportRow } from "../../analytics/report";
import type { DayRange } from "./range";
import { type DayRow, fillDays } from "./series";

export type AnalyticsView = {
  range: DayRange;
  timeZone: string;
  days: DayRow[];
  totals: Figures;
  /** Per provider over the whole range; `null` is mail that never reached one (suppressed, skipped, batched, cancelled). */
  providers: ReportRow[];
  /** Per event type over the whole range; `null` is digest emails, which gather several. */
  eventTypes: ReportRow[];
  guard: GuardSettings;
};

/** The page's figures from the function GET /v1/analytics answers with, for the same two local dates. */
export async function loadAnalyticsView(services: Services, organizationId: string, timeZone: string, range: DayRange): Promise<AnalyticsView> {
  const scope = { organizationId, timeZone, from: range.from, to: range.to };
  const [byDay, byProvider, byEventType] = await Promise.all([
    loadAnalytics(services.db, { ...scope, groupBy: "day" }),
    loadAnalytics(services.db, { ...scope, groupBy: "provider" }),
    loadAnalytics(services.db, { ...scope, groupBy: "eventType" }),
  ]);
  return {
    range,
    timeZone,
    days: fillDays(range.days, byDay.rows),
    totals: byDay.totals,
    providers: byProvider.rows,
    eventTypes: byEventType.rows,
    guard: guardSettings(services.env),
  };
}
