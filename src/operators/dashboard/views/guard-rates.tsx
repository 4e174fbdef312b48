import { percent, TableRegion } from "./format";

type Guard = { window: number; minSample: number; bounceRate: number; complaintRate: number };
type Rates = { sample: number; bounced: number; complained: number; bounceRate: number; complaintRate: number };

/** The bounce guard's two rates against the thresholds that pause sending (overview and sending pages). */
export function GuardRatesTable({ labelledBy, guard, rates }: { labelledBy: string; guard: Guard; rates: Rates | null | undefined }) {
  return (
    <TableRegion labelledBy={labelledBy} note={`Over the last ${rates?.sample ?? 0} sent emails (at most ${guard.window}; judged from ${guard.minSample} on).`}>
      <table>
        <thead>
          <tr>
            <th scope="col">Reported</th>
            <th scope="col" class="num">
              Emails
            </th>
            <th scope="col" class="num">
              Rate
            </th>
            <th scope="col" class="num">
              Pauses at
            </th>
          </tr>
        </thead>
        <tbody>
          <RateRow label="Hard bounces" count={rates?.bounced ?? 0} rate={rates?.bounceRate ?? 0} threshold={guard.bounceRate} />
          <RateRow label="Complaints" count={rates?.complained ?? 0} rate={rates?.complaintRate ?? 0} threshold={guard.complaintRate} />
        </tbody>
      </table>
    </TableRegion>
  );
}

function RateRow({ label, count, rate, threshold }: { label: string; count: number; rate: number; threshold: number }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td class="num">{count}</td>
      <td class={rate >= threshold ? "num bad" : "num"}>{percent(rate)}</td>
      <td class="num">{percent(threshold)}</td>
    </tr>
  );
}
