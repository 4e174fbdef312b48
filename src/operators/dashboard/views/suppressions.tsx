import type { SuppressionReason } from "../../../decide/suppression-check";
import type { SuppressionEntry } from "../../../followup/suppression-store";
import { orDash, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

type Props = { nonce: string; session: ShellSession; entries: SuppressionEntry[]; next: string | null; paged: boolean };

const REASONS: Record<SuppressionReason, string> = { hard_bounce: "hard bounce", repeated_soft_bounce: "repeated soft bounces", complaint: "complaint", manual: "manual" };

/** The addresses the organisation does not mail, newest first. */
export function SuppressionsPage({ nonce, session, entries, next, paged }: Props) {
  return (
    <DashboardShell title="Suppressions" nonce={nonce} session={session} current="suppressions">
      <h1>Suppressions</h1>
      <section class="card" aria-labelledby="suppressions-title">
        <h2 id="suppressions-title">Suppressed addresses</h2>
        <p class="muted">The list keeps keyed hashes; an address is shown when one of your recipients has it.</p>
        {entries.length === 0 ? (
          <p>{paged ? "No older entries." : "No address is suppressed."}</p>
        ) : (
          <TableRegion labelledBy="suppressions-title" note="Newest first.">
            <table>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Since</th>
                  <th scope="col" class="num">
                    Soft bounces
                  </th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr>
                    <th scope="row">{e.email ?? <span class="muted">unknown (hash {e.emailHash.slice(0, 12)}…)</span>}</th>
                    <td>{REASONS[e.reason ?? "manual"]}</td>
                    <td>
                      <Time at={e.suppressedAt} />
                    </td>
                    <td class="num">{String(e.softBounces)}</td>
                    <td>{orDash(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        <nav class="pager" aria-label="Pages of suppressions">
          {paged ? <a href="/dashboard/suppressions">Newest</a> : null}
          {next ? (
            <a href={`/dashboard/suppressions?after=${next}`} rel="next">
              Older
            </a>
          ) : null}
        </nav>
      </section>
    </DashboardShell>
  );
}
