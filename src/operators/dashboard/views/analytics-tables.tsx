import type { Figures, ReportRow } from "../../analytics/report";
import type { AnalyticsView } from "../analytics/load";
import { CHARTED, dailyRate } from "../analytics/series";
import { GroupBars } from "./charts";
import { latency, percent, TableRegion } from "./format";

/** The analytics page's tables: every figure behind its charts, per day and per provider or event type. */

export const rateText = (r: number | null) => (r === null ? "—" : percent(r));

function FigureCells({ row }: { row: Figures }) {
  return (
    <>
      {CHARTED.map(({ key }) => (
        <td class="num" data-metric={key}>
          {String(row[key])}
        </td>
      ))}
      <td class="num" data-metric="p50">
        {latency(row.latencyMs?.p50)}
      </td>
      <td class="num" data-metric="p95">
        {latency(row.latencyMs?.p95)}
      </td>
    </>
  );
}

function FigureHeads() {
  return (
    <>
      {CHARTED.map(({ label }) => (
        <th scope="col" class="num">
          {label}
        </th>
      ))}
      <th scope="col" class="num">
        Latency p50
      </th>
      <th scope="col" class="num">
        Latency p95
      </th>
    </>
  );
}

export function DaysTable({ view }: { view: AnalyticsView }) {
  return (
    <section class="card" aria-labelledby="days-table-title">
      <h2 id="days-table-title">Per day, as a table</h2>
      <TableRegion labelledBy="days-table-title" note="The numbers the charts above are drawn from, as GET /v1/analytics answers for the same dates.">
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <FigureHeads />
              <th scope="col" class="num">
                Bounce rate
              </th>
              <th scope="col" class="num">
                Complaint rate
              </th>
            </tr>
          </thead>
          <tbody>
            {view.days.map((d) => (
              <tr data-day={d.day}>
                <th scope="row">{d.day}</th>
                <FigureCells row={d} />
                <td class="num">{rateText(dailyRate(d, "bounced"))}</td>
                <td class="num">{rateText(dailyRate(d, "complained"))}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-day="total">
              <th scope="row">All days</th>
              <FigureCells row={view.totals} />
              <td class="num">{rateText(dailyRate(view.totals, "bounced"))}</td>
              <td class="num">{rateText(dailyRate(view.totals, "complained"))}</td>
            </tr>
          </tfoot>
        </table>
      </TableRegion>
    </section>
  );
}

type GroupKind = { key: "provider" | "eventType"; title: string; chartTitle: string; none: string; note: string };

export const BY_PROVIDER: GroupKind = {
  key: "provider",
  title: "Per provider",
  chartTitle: "Emails sent per provider",
  none: "none (not sent)",
  note: "Suppressed, skipped, batched and cancelled notifications never reach a provider: they are the last row.",
};
export const BY_EVENT_TYPE: GroupKind = {
  key: "eventType",
  title: "Per event type",
  chartTitle: "Emails sent per event type",
  none: "digests (several types)",
  note: "Digest emails gather several event types: they are the last row.",
};

/** Sends per provider or per event type as bars, and every figure of each group as a table. */
export function GroupCard({ kind, rows, span }: { kind: GroupKind; rows: ReportRow[]; span: string }) {
  const id = `by-${kind.key}`;
  const name = (r: ReportRow) => r[kind.key] ?? kind.none;
  const bars = rows.filter((r) => r.sent + r.digestsSent > 0).map((r) => ({ label: name(r), value: r.sent + r.digestsSent }));
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{kind.title}</h2>
      {bars.length > 0 ? (
        <div class="chart-box single">
          <GroupBars id={`chart-${id}`} title={kind.chartTitle} desc={`From ${span}, digests included: ${bars.map((b) => `${b.label} ${b.value}`).join(", ")}.`} bars={bars} />
        </div>
      ) : (
        <p>No email was sent in this range.</p>
      )}
      <TableRegion labelledBy={`${id}-title`} note={kind.note}>
        <table>
          <thead>
            <tr>
              <th scope="col">{kind.key === "provider" ? "Provider" : "Event type"}</th>
              <FigureHeads />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-provider={kind.key === "provider" ? (r.provider ?? "") : undefined} data-event-type={kind.key === "eventType" ? (r.eventType ?? "") : undefined}>
                <th scope="row">{name(r)}</th>
                <FigureCells row={r} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
