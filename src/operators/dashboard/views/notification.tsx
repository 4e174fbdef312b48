import type { Child } from "hono/jsx";
import type { NotificationDetail } from "../../notifications/detail";
import type { ProviderEventRow } from "../../notifications/provider-events";
import { compactJson, latency, orDash, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

type Props = { nonce: string; session: ShellSession; detail: NotificationDetail };

function Facts({ rows }: { rows: [string, Child][] }) {
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/** Everything known about one notification: its state, decision, digest, every attempt and provider event. */
export function NotificationPage({ nonce, session, detail }: Props) {
  const n = detail.notification;
  const d = detail.digest;
  const history = `/dashboard/recipients?id=${encodeURIComponent(detail.recipientId)}`;
  return (
    <DashboardShell title={`Notification ${n.id}`} nonce={nonce} session={session} current="recipients">
      <h1>Notification</h1>
      <section class="card" aria-labelledby="summary-title">
        <h2 id="summary-title">
          <code>{n.id}</code>
        </h2>
        <Facts
          rows={[
            ["Status", <span class={n.status === "failed" || n.status === "bounced" || n.status === "complained" ? "bad" : undefined}>{n.status}</span>],
            ["Type", detail.type],
            ["Rule", orDash(detail.rule)],
            ["Recipient", <a href={history}>{detail.recipientId}</a>],
            ["Priority", n.priority],
            ["Event", <code>{n.eventId}</code>],
            ["Created", <Time at={n.createdAt} />],
            ["Queued", <Time at={n.queuedAt} />],
            ["Sent", <Time at={n.sentAt} />],
            ["Failed", <Time at={n.failedAt} />],
            ["Failure reason", orDash(n.failureReason)],
            ["Decision rule", orDash(n.decisionRule)],
            ["Template version", orDash(n.templateVersion)],
            ["Provider", orDash(n.provider)],
            ["Provider message id", n.providerMessageId ? <code>{n.providerMessageId}</code> : "—"],
          ]}
        />
      </section>
      {d ? (
        <section class="card" aria-labelledby="digest-title">
          <h2 id="digest-title">Digest</h2>
          <Facts
            rows={[
              ["Digest", <code>{d.id}</code>],
              ["Status", d.status],
              ["Kind", d.kind],
              ["Items", String(d.itemCount)],
              ["Due", <Time at={d.dueAt} />],
              ["Sent", <Time at={d.sentAt} />],
              ["Provider", orDash(d.provider)],
              ["Provider message id", d.providerMessageId ? <code>{d.providerMessageId}</code> : "—"],
              ["Failure reason", orDash(d.failureReason)],
            ]}
          />
          <EventsTable id="digest-events-title" title="The digest email's provider events" events={detail.digestEvents} />
        </section>
      ) : n.status === "batched" ? (
        <section class="card" aria-labelledby="digest-title">
          <h2 id="digest-title">Digest</h2>
          <p>Waiting for its digest window to be recorded.</p>
        </section>
      ) : null}
      <section class="card" aria-labelledby="attempts-title">
        <h2 id="attempts-title">Delivery attempts</h2>
        {detail.attempts.length === 0 ? (
          <p>No attempts.</p>
        ) : (
          <TableRegion labelledBy="attempts-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">At</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Outcome</th>
                  <th scope="col" class="num">
                    HTTP status
                  </th>
                  <th scope="col" class="num">
                    Latency
                  </th>
                  <th scope="col">Message id</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {detail.attempts.map((a) => (
                  <tr>
                    <th scope="row">
                      <Time at={a.createdAt} />
                    </th>
                    <td>{a.provider}</td>
                    <td class={a.outcome === "accepted" ? undefined : "bad"}>{a.outcome}</td>
                    <td class="num">{orDash(a.httpStatus)}</td>
                    <td class="num">{latency(a.latencyMs)}</td>
                    <td>{a.providerMessageId ? <code>{a.providerMessageId}</code> : "—"}</td>
                    <td>{orDash(a.error)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      <section class="card" aria-labelledby="events-title">
        <EventsTable id="events-title" title="Provider events" events={detail.events} heading />
      </section>
    </DashboardShell>
  );
}

function EventsTable({ id, title, events, heading }: { id: string; title: string; events: ProviderEventRow[]; heading?: boolean }) {
  return (
    <>
      {heading ? <h2 id={id}>{title}</h2> : <h3 id={id}>{title}</h3>}
      {events.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <TableRegion labelledBy={id} note="Oldest first, at the provider's time; addresses are scrubbed.">
          <table>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Event</th>
                <th scope="col">Provider</th>
                <th scope="col">Bounce</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <th scope="row">
                    <Time at={e.occurredAt} />
                  </th>
                  <td class={e.type === "bounced" || e.type === "complained" || e.type === "dropped" ? "bad" : undefined}>{e.type}</td>
                  <td>{e.provider}</td>
                  <td>{orDash(e.bounceKind)}</td>
                  <td>
                    <code>{compactJson(e.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
