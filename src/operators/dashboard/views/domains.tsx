import type { RecordCheck } from "../../sender-domains/check";
import type { DnsRecord } from "../../sender-domains/records";
import type { SenderDomain } from "../../sender-domains/store";
import { Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

export type DomainEntry = { domain: SenderDomain; records: DnsRecord[] };

export type DomainsPageProps = {
  nonce: string;
  session: ShellSession;
  domains: DomainEntry[];
  /** Present for a role that may add and verify domains. */
  csrf?: string;
  notice?: string;
  error?: string;
  input?: string;
};

/** Sender domains: the DNS records to publish for each, the last check, and (for admins) add and verify. */
export function DomainsPage({ nonce, session, domains, csrf, notice, error, input }: DomainsPageProps) {
  return (
    <DashboardShell title="Domains" nonce={nonce} session={session} current="domains">
      <h1>Sender domains</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p class="ok" role="status">
          {notice}
        </p>
      ) : null}
      {csrf ? (
        <section class="card" aria-labelledby="add-domain-title">
          <h2 id="add-domain-title">Add a domain</h2>
          <form method="post" action="/dashboard/domains" class="actions">
            <input type="hidden" name="csrf" value={csrf} />
            <div class="field">
              <label for="domain-name">Domain of your From address</label>
              <input type="text" id="domain-name" name="domain" required maxlength={254} value={input ?? ""} autocomplete="off" placeholder="example.com" />
            </div>
            <button type="submit">Add domain</button>
          </form>
        </section>
      ) : (
        <p class="muted">Only an admin key may add or verify sender domains.</p>
      )}
      {domains.length === 0 ? (
        <section class="card">
          <p>No sender domain yet.</p>
        </section>
      ) : (
        domains.map((d) => <DomainCard entry={d} {...(csrf ? { csrf } : {})} />)
      )}
    </DashboardShell>
  );
}

function DomainCard({ entry: { domain: d, records }, csrf }: { entry: DomainEntry; csrf?: string }) {
  const id = `domain-${d.id}`;
  return (
    <section class="card" aria-labelledby={id} data-domain={d.domain}>
      <h2 id={id}>{d.domain}</h2>
      <dl class="facts">
        <dt>Status</dt>
        <dd class={d.status === "verified" ? "ok" : d.status === "failed" ? "bad" : undefined} data-status={d.status}>
          {d.status}
        </dd>
        <dt>Verified</dt>
        <dd>
          <Time at={d.verifiedAt} />
        </dd>
        <dt>Last checked</dt>
        <dd>
          <Time at={d.lastCheckedAt} />
        </dd>
      </dl>
      <h3 id={`${id}-records`}>Records to publish</h3>
      <ul class="records" aria-labelledby={`${id}-records`}>
        {records.map((r) => (
          <li>
            <h4>
              {r.purpose.toUpperCase()} ({r.type}){r.required ? "" : ", recommended"}
            </h4>
            <dl class="facts">
              <dt>Name</dt>
              <dd>
                <code>{r.name}</code>
              </dd>
              <dt>Value</dt>
              <dd>
                <code>{r.value}</code>
              </dd>
            </dl>
            {r.note ? <p class="hint">{r.note}</p> : null}
          </li>
        ))}
      </ul>
      {d.lastCheck ? <Checks id={id} checks={d.lastCheck.results} /> : <p class="muted">Not checked yet.</p>}
      {csrf ? (
        <form method="post" action={`/dashboard/domains/${d.id}/verify`} class="inline">
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit" aria-label={`Verify ${d.domain}`}>
            Verify
          </button>
        </form>
      ) : null}
    </section>
  );
}

function Checks({ id, checks }: { id: string; checks: RecordCheck[] }) {
  return (
    <>
      <h3 id={`${id}-checks`}>Last check</h3>
      <ul>
        {checks.map((c) => (
          <li>
            <strong class={c.result === "ok" ? "ok" : "bad"}>
              {c.purpose.toUpperCase()} {c.result}
            </strong>
            : {c.message}
          </li>
        ))}
      </ul>
    </>
  );
}
