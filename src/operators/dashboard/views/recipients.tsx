import type { RecipientHistory } from "../recipient-history";
import { orDash, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

type Props = {
  nonce: string;
  session: ShellSession;
  /** What was searched for, if anything. */
  query?: string;
  /** Absent before a search; "not_found" when the organisation has no such recipient. */
  history?: RecipientHistory | "not_found";
  /** True on an older page, which offers the way back to the newest. */
  paged: boolean;
};

const pagePath = (id: string, cursor?: string) => `/dashboard/recipients?id=${encodeURIComponent(id)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;

/** A recipient's notifications, newest first, found by the organisation's own id for them. */
export function RecipientsPage({ nonce, session, query, history, paged }: Props) {
  return (
    <DashboardShell title={query ? `Recipient ${query}` : "Recipients"} nonce={nonce} session={session} current="recipients">
      <h1>Recipients</h1>
      <section class="card" aria-labelledby="search-title">
        <h2 id="search-title">Find a recipient</h2>
        {/* biome-ignore lint/a11y/useSemanticElements: the <search> element is too new for the browsers operators use; role=search on the form is the long-supported form. */}
        <form method="get" action="/dashboard/recipients" role="search" class="search">
          <div class="field">
            <label for="recipient-id">Recipient id</label>
            <p class="hint" id="recipient-id-hint">
              Your own id for them, as sent in events' recipients.
            </p>
            <input type="text" id="recipient-id" name="id" value={query ?? ""} required maxlength={200} aria-describedby="recipient-id-hint" autocomplete="off" />
          </div>
          <button type="submit">Show notifications</button>
        </form>
      </section>
      {history === "not_found" ? (
        <section class="card" aria-labelledby="history-title">
          <h2 id="history-title">No such recipient</h2>
          <p>
            {session.organizationName} has no recipient with the id “{query}”.
          </p>
        </section>
      ) : history ? (
        <HistoryCard history={history} paged={paged} />
      ) : null}
    </DashboardShell>
  );
}

function HistoryCard({ history, paged }: { history: RecipientHistory; paged: boolean }) {
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">Notifications of {history.externalId}</h2>
      {history.entries.length === 0 ? (
        <p>{paged ? "No older notifications." : "No notifications yet."}</p>
      ) : (
        <TableRegion labelledBy="history-title" note="Newest first; open one for its attempts and provider events.">
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Sent</th>
                <th scope="col">Provider</th>
                <th scope="col">Last event</th>
                <th scope="col">Decision rule</th>
              </tr>
            </thead>
            <tbody>
              {history.entries.map((n) => (
                <tr>
                  <th scope="row">
                    <a href={`/dashboard/notifications/${n.id}`}>
                      <Time at={n.createdAt} />
                    </a>
                  </th>
                  <td>{n.type}</td>
                  <td class={n.status === "failed" || n.status === "bounced" || n.status === "complained" ? "bad" : undefined}>{n.status}</td>
                  <td>
                    <Time at={n.sentAt} />
                  </td>
                  <td>{orDash(n.provider)}</td>
                  <td>
                    {n.lastEvent ? (
                      <>
                        {n.lastEvent.type} <Time at={n.lastEvent.at} />
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>{orDash(n.decisionRule)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <nav class="pager" aria-label="Pages of notifications">
        {paged ? <a href={pagePath(history.externalId)}>Newest</a> : null}
        {history.older ? (
          <a href={pagePath(history.externalId, history.older)} rel="next">
            Older
          </a>
        ) : null}
      </nav>
    </section>
  );
}
