import type { ListedAlert } from "../../alerts-list";
import { compactJson, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

type Props = { nonce: string; session: ShellSession; entries: ListedAlert[]; older: string | null; paged: boolean };

/** The organisation's alerts, newest first, as GET /v1/alerts lists them. */
export function AlertsPage({ nonce, session, entries, older, paged }: Props) {
  return (
    <DashboardShell title="Alerts" nonce={nonce} session={session} current="alerts">
      <h1>Alerts</h1>
      <section class="card" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Fired alerts</h2>
        <p class="muted">Failed mail, provider settings refused, sending paused by the bounce guard: one alert per condition per window.</p>
        {entries.length === 0 ? (
          <p>{paged ? "No older alerts." : "No alert has fired."}</p>
        ) : (
          <TableRegion labelledBy="alerts-title" note="Newest first; times in UTC.">
            <table>
              <thead>
                <tr>
                  <th scope="col">Fired</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Message</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((a) => (
                  <tr>
                    <th scope="row">
                      <Time at={a.firedAt} />
                    </th>
                    <td>{a.kind}</td>
                    <td>{a.subject}</td>
                    <td>{a.message}</td>
                    <td>
                      <code>{compactJson(a.details)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        <nav class="pager" aria-label="Pages of alerts">
          {paged ? <a href="/dashboard/alerts">Newest</a> : null}
          {older ? (
            <a href={`/dashboard/alerts?cursor=${encodeURIComponent(older)}`} rel="next">
              Older
            </a>
          ) : null}
        </nav>
      </section>
    </DashboardShell>
  );
}
