import type { SuppressionReason } from "../../../decide/suppression-check";
import type { SuppressionEntry } from "../../../followup/suppression-store";
import { orDash, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

export type SuppressionsPageProps = {
  nonce: string;
  session: ShellSession;
  entries: SuppressionEntry[];
  next: string | null;
  paged: boolean;
  /** The address searched for: then `entries` are its entry or none. */
  email?: string;
  /** For a role that may remove: the CSRF token, and whether it may force a hard bounce or complaint off. */
  remove?: { csrf: string; force: boolean };
  notice?: string;
  error?: string;
};

const REASONS: Record<SuppressionReason, string> = { hard_bounce: "hard bounce", repeated_soft_bounce: "repeated soft bounces", complaint: "complaint", manual: "manual" };
const PROTECTED: readonly SuppressionReason[] = ["hard_bounce", "complaint"];

/** The addresses the organisation does not mail, newest first, a search by address and (for editors and admins) removal. */
export function SuppressionsPage({ nonce, session, entries, next, paged, email, remove, notice, error }: SuppressionsPageProps) {
  return (
    <DashboardShell title="Suppressions" nonce={nonce} session={session} current="suppressions">
      <h1>Suppressions</h1>
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
      <section class="card" aria-labelledby="suppressions-title">
        <h2 id="suppressions-title">{email ? `Suppression of ${email}` : "Suppressed addresses"}</h2>
        {/* biome-ignore lint/a11y/useSemanticElements: the <search> element is too new for the browsers operators use; role=search on the form is the long-supported form. */}
        <form method="get" action="/dashboard/suppressions" class="search" role="search" aria-label="Suppressions">
          <div class="field">
            <label for="suppression-email">Address</label>
            <input type="email" id="suppression-email" name="email" value={email ?? ""} autocomplete="off" />
          </div>
          <button type="submit">Search</button>
        </form>
        <p class="muted">The list keeps keyed hashes; an address is shown when one of your recipients has it, or when you search for it.</p>
        {entries.length === 0 ? (
          <p>{email ? `${email} is not suppressed.` : paged ? "No older entries." : "No address is suppressed."}</p>
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
                  {remove ? <th scope="col">Action</th> : null}
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => {
                  const address = e.email ?? email;
                  return (
                    <tr>
                      <th scope="row">{address ?? <span class="muted">unknown (hash {e.emailHash.slice(0, 12)}…)</span>}</th>
                      <td>{REASONS[e.reason ?? "manual"]}</td>
                      <td>
                        <Time at={e.suppressedAt} />
                      </td>
                      <td class="num">{String(e.softBounces)}</td>
                      <td>{orDash(e.detail)}</td>
                      {remove ? <td>{address ? <RemoveForm email={address} entry={e} remove={remove} /> : <span class="muted">search by address to remove</span>}</td> : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableRegion>
        )}
        <nav class="pager" aria-label="Pages of suppressions">
          {paged || email ? <a href="/dashboard/suppressions">Newest</a> : null}
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

/** A hard bounce or complaint is removed only by an admin who ticks "force", as the API asks for force=true. */
function RemoveForm({ email, entry, remove }: { email: string; entry: SuppressionEntry; remove: { csrf: string; force: boolean } }) {
  const guarded = PROTECTED.includes(entry.reason ?? "manual");
  if (guarded && !remove.force) return <span class="muted">only an admin may remove a {REASONS[entry.reason ?? "manual"]}</span>;
  const id = `force-${entry.id}`;
  return (
    <form method="post" action="/dashboard/suppressions/remove" class="inline">
      <input type="hidden" name="csrf" value={remove.csrf} />
      <input type="hidden" name="email" value={email} />
      {guarded ? (
        <label class="check" for={id}>
          <input type="checkbox" id={id} name="force" value="true" required />
          Mail it again despite the {REASONS[entry.reason ?? "manual"]}
        </label>
      ) : null}
      <button type="submit" class="secondary" aria-label={`Remove ${email}`}>
        Remove
      </button>
    </form>
  );
}
