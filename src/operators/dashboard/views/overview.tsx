import type { Figures } from "../../analytics/report";
import type { Overview } from "../overview";
import type { ProviderHealth } from "../../provider-health";
import { latency, TableRegion, Time } from "./format";
import { GuardRatesTable } from "./guard-rates";
import { DashboardShell, type ShellSession } from "./layout";

type Props = { nonce: string; session: ShellSession; overview: Overview };

/** Sending state, the last seven days and provider health: what an operator checks first. */
export function OverviewPage({ nonce, session, overview }: Props) {
  return (
    <DashboardShell title="Overview" nonce={nonce} session={session} current="overview">
      <h1>Overview</h1>
      <SendingCard overview={overview} />
      <DaysCard overview={overview} />
      <ProvidersCard providers={overview.providers} usingDefaults={overview.usingDefaultProviders} />
    </DashboardShell>
  );
}

const heldText = (n: number) => `${n} ${n === 1 ? "notification" : "notifications"} held`;

function SendingCard({ overview: { rates, guard, held } }: { overview: Overview }) {
  return (
    <section class="card" aria-labelledby="sending-title">
      <h2 id="sending-title">Sending</h2>
      {rates?.pausedAt ? (
        <p class="bad">
          <strong>Paused</strong> since <Time at={rates.pausedAt} />: {rates.pausedReason ?? "no reason recorded"}. Critical mail still goes; an admin resumes with POST
          /v1/sending/resume.
        </p>
      ) : (
        <p>
          <strong>Active</strong>: the bounce-rate guard has not paused sending.
        </p>
      )}
      {rates?.pausedAt || held > 0 ? (
        <p>
          <strong>{heldText(held)}</strong>
          {rates?.pausedAt
            ? `: ${held === 1 ? "it goes" : "they go"} when sending resumes.`
            : ": held before the pause was cleared; an admin sends them with POST /v1/sending/resume."}
        </p>
      ) : null}
      {rates?.resumedAt ? (
        <p class="muted">
          Last resumed <Time at={rates.resumedAt} />; only mail sent since then is judged.
        </p>
      ) : null}
      <GuardRatesTable labelledBy="sending-title" guard={guard} rates={rates} />
    </section>
  );
}

const DAY_COLUMNS: [keyof Figures, string][] = [
  ["sent", "Sent"],
  ["delivered", "Delivered"],
  ["bounced", "Bounced"],
  ["complained", "Complained"],
  ["opened", "Opened"],
  ["clicked", "Clicked"],
  ["failed", "Failed"],
  ["digestsSent", "Digests sent"],
];

function FigureCells({ figures }: { figures: Figures }) {
  return (
    <>
      {DAY_COLUMNS.map(([key]) => (
        <td class="num">{String(figures[key])}</td>
      ))}
      <td class="num">{latency(figures.latencyMs?.p50)}</td>
      <td class="num">{latency(figures.latencyMs?.p95)}</td>
    </>
  );
}

function DaysCard({ overview }: { overview: Overview }) {
  return (
    <section class="card" aria-labelledby="days-title">
      <h2 id="days-title">Last 7 days</h2>
      <TableRegion labelledBy="days-title" note={`Per local day in ${overview.timeZone}; latency is from the event's arrival to the provider accepting the email.`}>
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {DAY_COLUMNS.map(([, label]) => (
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
            </tr>
          </thead>
          <tbody>
            {overview.days.map((d) => (
              <tr>
                <th scope="row">{d.day}</th>
                <FigureCells figures={d} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">7 days</th>
              <FigureCells figures={overview.totals} />
            </tr>
          </tfoot>
        </table>
      </TableRegion>
    </section>
  );
}

function ProvidersCard({ providers, usingDefaults }: { providers: ProviderHealth[]; usingDefaults: boolean }) {
  return (
    <section class="card" aria-labelledby="providers-title">
      <h2 id="providers-title">Providers</h2>
      {usingDefaults ? <p class="muted">The organisation has no providers of its own: it sends through the environment's (EMAIL_PROVIDERS).</p> : null}
      <TableRegion labelledBy="providers-title" note="In the order they are tried; attempts are the organisation's over the last 24 hours.">
        <table>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Circuit</th>
              <th scope="col" class="num">
                Accepted
              </th>
              <th scope="col" class="num">
                Retryable
              </th>
              <th scope="col" class="num">
                Permanent
              </th>
              <th scope="col" class="num">
                Configuration
              </th>
              <th scope="col">Last failure</th>
              <th scope="col" class="num">
                Latency p50
              </th>
              <th scope="col" class="num">
                Latency p95
              </th>
            </tr>
          </thead>
          <tbody>
            {providers.map((p) => (
              <tr>
                <th scope="row">
                  {p.provider}
                  {p.enabled ? "" : " (disabled)"}
                </th>
                <td class={p.circuit === "closed" ? undefined : "bad"}>
                  {p.circuit}
                  {p.openUntil ? (
                    <>
                      {" until "}
                      <Time at={p.openUntil} />
                    </>
                  ) : null}
                </td>
                <td class="num">{String(p.attemptsLast24h.accepted)}</td>
                <td class="num">{String(p.attemptsLast24h.retryable)}</td>
                <td class="num">{String(p.attemptsLast24h.permanent)}</td>
                <td class="num">{String(p.attemptsLast24h.configuration)}</td>
                <td>
                  <Time at={p.lastFailureAt} />
                </td>
                <td class="num">{latency(p.latencyMs?.p50)}</td>
                <td class="num">{latency(p.latencyMs?.p95)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
