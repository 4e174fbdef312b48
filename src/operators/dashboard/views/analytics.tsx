import type { Figures } from "../../analytics/report";
import type { AnalyticsView } from "../analytics/load";
import { PRESET_DAYS } from "../analytics/range";
import { CHARTED, dailyRate, type DayRow } from "../analytics/series";
import { DayBars, DayLines } from "./charts";
import { latency, percent } from "./format";
import { BY_EVENT_TYPE, BY_PROVIDER, DaysTable, GroupCard } from "./analytics-tables";
import { DashboardShell, type ShellSession } from "./layout";

type Props = { nonce: string; session: ShellSession; view: AnalyticsView; error?: string };

const axisPercent = (v: number) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)}%`;
const axisMs = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** The figures of a range as charts, each drawn from the numbers in the tables below it. */
export function AnalyticsPage({ nonce, session, view, error }: Props) {
  const { range } = view;
  const span = `${range.fromDay} to ${range.toDay} (${view.timeZone})`;
  return (
    <DashboardShell title="Analytics" nonce={nonce} session={session} current="analytics">
      <h1>Analytics</h1>
      <RangeCard view={view} {...(error ? { error } : {})} />
      <section class="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Emails per day</h2>
        <p class="note">Local days, {span}. Each email is counted once per kind of event, on the day of its first such event.</p>
        <div class="charts">
          {CHARTED.map(({ key, label }) => (
            <div class="chart-box">
              <h3 id={`chart-${key}-heading`}>{label}</h3>
              <DayBars
                id={`chart-${key}`}
                title={`${label} per day`}
                desc={describeCounts(label, view.days, key, view.totals[key], span)}
                days={range.days}
                values={view.days.map((d) => d[key])}
              />
            </div>
          ))}
        </div>
      </section>
      <LatencyCard view={view} span={span} />
      <RatesCard view={view} span={span} />
      <DaysTable view={view} />
      <GroupCard kind={BY_PROVIDER} rows={view.providers} span={span} />
      <GroupCard kind={BY_EVENT_TYPE} rows={view.eventTypes} span={span} />
    </DashboardShell>
  );
}

function describeCounts(label: string, days: DayRow[], key: keyof Figures & string, total: number | null | Figures["latencyMs"], span: string): string {
  const values = days.map((d) => Number(d[key]));
  const max = Math.max(0, ...values);
  const busiest = days[values.indexOf(max)]?.day;
  return max === 0 ? `${label}: none from ${span}.` : `${label}: ${String(total)} from ${span}; most on ${busiest} (${max}).`;
}

function RangeCard({ view, error }: { view: AnalyticsView; error?: string }) {
  const { range } = view;
  return (
    <section class="card" aria-labelledby="range-title">
      <h2 id="range-title">Range</h2>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <nav aria-label="Preset ranges" class="presets">
        <ul>
          {PRESET_DAYS.map((n) => (
            <li>
              <a href={`/dashboard/analytics?days=${n}`} aria-current={range.preset === n ? "page" : undefined}>
                Last {n} days
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/dashboard/analytics" class="search">
        <div class="field">
          <label for="range-from">From (local date)</label>
          <input type="date" id="range-from" name="from" value={range.fromDay} required />
        </div>
        <div class="field">
          <label for="range-to">To (included)</label>
          <input type="date" id="range-to" name="to" value={range.toDay} required />
        </div>
        <button type="submit">Show</button>
      </form>
      <p class="note">
        Showing <span data-range-from={range.fromDay}>{range.fromDay}</span> to <span data-range-to={range.toDay}>{range.toDay}</span> in {view.timeZone}, the organisation's time
        zone; at most 92 days.
      </p>
    </section>
  );
}

function Legend({ items }: { items: [name: string, swatch: "0" | "1" | "threshold"][] }) {
  return (
    <ul class="legend">
      {items.map(([name, swatch]) => (
        <li>
          <span class={`swatch swatch-${swatch}`} aria-hidden="true" />
          {name}
        </li>
      ))}
    </ul>
  );
}

function LatencyCard({ view, span }: { view: AnalyticsView; span: string }) {
  const p50 = view.days.map((d) => d.latencyMs?.p50 ?? null);
  const p95 = view.days.map((d) => d.latencyMs?.p95 ?? null);
  const t = view.totals.latencyMs;
  return (
    <section class="card" aria-labelledby="latency-title">
      <h2 id="latency-title">Latency from event to provider acceptance</h2>
      <div class="chart-box single">
        <DayLines
          id="chart-latency"
          title="Latency p50 and p95 per day"
          desc={t ? `Over ${span}: p50 ${latency(t.p50)}, p95 ${latency(t.p95)}; days without sends have no point.` : `Nothing was sent from ${span}.`}
          days={view.range.days}
          lines={[
            { name: "p50", values: p50 },
            { name: "p95", values: p95 },
          ]}
          format={axisMs}
        />
      </div>
      <Legend
        items={[
          ["p50 (median)", "0"],
          ["p95 (dashed)", "1"],
        ]}
      />
    </section>
  );
}

function RatesCard({ view, span }: { view: AnalyticsView; span: string }) {
  const charts = [
    { key: "bounced", label: "Bounce rate", threshold: view.guard.bounceRate },
    { key: "complained", label: "Complaint rate", threshold: view.guard.complaintRate },
  ] as const;
  return (
    <section class="card" aria-labelledby="rates-title">
      <h2 id="rates-title">Bounce and complaint rates</h2>
      <p class="note">
        Per day, over the emails sent that day; the dashed red line is the guard's threshold, at which it pauses non-critical sending (it judges the last {view.guard.window} sent
        emails).
      </p>
      <div class="charts">
        {charts.map((c) => {
          const values = view.days.map((d) => dailyRate(d, c.key));
          const above = view.days.filter((_, i) => (values[i] ?? 0) >= c.threshold).map((d) => d.day);
          return (
            <div class="chart-box">
              <h3>
                {c.label} (threshold {percent(c.threshold)})
              </h3>
              <DayLines
                id={`chart-${c.key}-rate`}
                title={`${c.label} per day against the threshold of ${percent(c.threshold)}`}
                desc={above.length === 0 ? `Below the threshold on every day from ${span}.` : `At or above the threshold on ${above.join(", ")}.`}
                days={view.range.days}
                lines={[{ name: c.label, values }]}
                format={axisPercent}
                threshold={c.threshold}
              />
            </div>
          );
        })}
      </div>
      <Legend
        items={[
          ["Rate", "0"],
          ["Threshold (dashed)", "threshold"],
        ]}
      />
    </section>
  );
}
