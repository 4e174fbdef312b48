import { counters, type Figures, loadAnalytics, type ReportRow } from "../analytics/report";
import { countHeld, type GuardSettings, guardSettings, loadRates, type OrganizationRates } from "../../followup/guard";
import { loadProviderHealth, type ProviderHealth } from "../provider-health";
import type { Services } from "../../services";
import { localParts, zonedTimeToUtc } from "../../platform/time/zoned";

export const OVERVIEW_DAYS = 7;

export type Overview = {
  rates: OrganizationRates | undefined;
  guard: GuardSettings;
  /** Notifications held while sending is paused, as GET /v1/sending's `held`. */
  held: number;
  timeZone: string;
  /** Oldest first, one row per local day, days without mail included as zeros. */
  days: ReportRow[];
  totals: Figures;
  providers: ProviderHealth[];
  usingDefaultProviders: boolean;
};

const isoDate = (utcMs: number) => new Date(utcMs).toISOString().slice(0, 10);

/**
 * The last `OVERVIEW_DAYS` local days in `timeZone`, today included: their dates, and the range
 * from the first one's midnight to the midnight after today, as GET /v1/analytics reads two dates.
 */
function lastLocalDays(now: number, timeZone: string) {
  const { year, month, day } = localParts(now, timeZone);
  const first = day - (OVERVIEW_DAYS - 1);
  // Date.UTC and zonedTimeToUtc carry a day of 0 or less into the month before.
  const days = Array.from({ length: OVERVIEW_DAYS }, (_, i) => isoDate(Date.UTC(year, month - 1, first + i)));
  return { days, from: new Date(zonedTimeToUtc(year, month, first, 0, timeZone)), to: new Date(zonedTimeToUtc(year, month, day + 1, 0, timeZone)) };
}

const emptyDay = (day: string): ReportRow => ({
  day,
  provider: null,
  eventType: null,
  ...(Object.fromEntries(counters.map((c) => [c, 0])) as Record<(typeof counters)[number], number>),
  latencyMs: null,
});

/**
 * What the overview shows, from the same functions the API answers with: the guard's rates
 * and held notifications (GET /v1/sending), the figures per day (GET /v1/analytics) and provider health.
 */
export async function loadOverview(services: Services, organizationId: string, timeZone: string, now: number): Promise<Overview> {
  const { days, from, to } = lastLocalDays(now, timeZone);
  const guard = guardSettings(services.env);
  const [rates, held, report, health] = await Promise.all([
    loadRates(services.db, [organizationId], guard.window),
    countHeld(services.db, organizationId),
    loadAnalytics(services.db, { organizationId, timeZone, groupBy: "day", from, to }),
    loadProviderHealth(services, organizationId, now),
  ]);
  const byDay = new Map(report.rows.map((r) => [r.day, r]));
  return {
    rates: rates.get(organizationId),
    guard,
    held,
    timeZone,
    days: days.map((d) => byDay.get(d) ?? emptyDay(d)),
    totals: report.totals,
    providers: health.providers,
    usingDefaultProviders: health.usingDefaults,
  };
}
