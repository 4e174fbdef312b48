import type { ApiKeyEntry } from "../../api-key-store";
import { type ApiKeyRole, keyState } from "../../../platform/auth/api-key";
import { orDash, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

/** A key just made or rotated: shown in this one answer, never again. */
export type RevealedKey = { name: string; role: ApiKeyRole; key: string; replaced?: { prefix: string; expiresAt: Date | null } };

export type KeysPageProps = {
  nonce: string;
  session: ShellSession;
  /** Absent for a role that may not manage keys: the page then lists nothing and offers no form. */
  manage?: { keys: ApiKeyEntry[]; csrf: string; now: Date; roles: readonly ApiKeyRole[]; timeZone: string };
  revealed?: RevealedKey;
  notice?: string;
  error?: string;
  name?: string;
};

/** Grace periods a rotation offers; the API takes any number of seconds up to a week. */
export const GRACE_CHOICES: readonly [seconds: number, label: string][] = [
  [0, "no grace: stops now"],
  [3600, "1 hour"],
  [86400, "24 hours"],
  [604800, "7 days"],
];

const label = (k: ApiKeyEntry) => `${k.name} (tid_${k.prefix})`;

/** The organisation's API keys: create, rotate, revoke; admins only, as on the API. */
export function KeysPage({ nonce, session, manage, revealed, notice, error, name }: KeysPageProps) {
  return (
    <DashboardShell title="API keys" nonce={nonce} session={session} current="keys">
      <h1>API keys</h1>
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
      {revealed ? <Revealed revealed={revealed} /> : null}
      {manage ? (
        <>
          <CreateCard csrf={manage.csrf} roles={manage.roles} timeZone={manage.timeZone} {...(name ? { name } : {})} />
          <ListCard keys={manage.keys} csrf={manage.csrf} now={manage.now} />
        </>
      ) : (
        <section class="card" aria-labelledby="keys-title">
          <h2 id="keys-title">Keys</h2>
          <p>Only admin keys see and manage the organisation's API keys. You are signed in with a {session.role} key.</p>
        </section>
      )}
    </DashboardShell>
  );
}

function Revealed({ revealed }: { revealed: RevealedKey }) {
  return (
    <section class="secret" aria-labelledby="new-key-title">
      <h2 id="new-key-title">
        New {revealed.role} key "{revealed.name}"
      </h2>
      <p>Copy it now: only its hash is kept, so this page is the only time it is shown.</p>
      <code data-new-key="">{revealed.key}</code>
      {revealed.replaced ? (
        <p>
          The old key tid_{revealed.replaced.prefix} works until <Time at={revealed.replaced.expiresAt} />.
        </p>
      ) : null}
    </section>
  );
}

function CreateCard({ csrf, roles, timeZone, name }: { csrf: string; roles: readonly ApiKeyRole[]; timeZone: string; name?: string }) {
  return (
    <section class="card" aria-labelledby="create-title">
      <h2 id="create-title">Create a key</h2>
      <form method="post" action="/dashboard/keys" class="actions">
        <input type="hidden" name="csrf" value={csrf} />
        <div class="field">
          <label for="key-name">Name</label>
          <input type="text" id="key-name" name="name" required maxlength={200} value={name ?? ""} autocomplete="off" />
        </div>
        <div class="field">
          <label for="key-role">Role</label>
          <select id="key-role" name="role">
            {roles.map((r) => (
              <option value={r} selected={r === "ingest"}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="key-expires">Works until (optional)</label>
          <input type="date" id="key-expires" name="expiresOn" aria-describedby="key-expires-hint" />
          <p class="hint" id="key-expires-hint">
            The key works through this day in {timeZone}; empty: until revoked.
          </p>
        </div>
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}

function ListCard({ keys, csrf, now }: { keys: ApiKeyEntry[]; csrf: string; now: Date }) {
  return (
    <section class="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <TableRegion labelledBy="keys-title" note="Newest first. Revoking takes effect at once; a rotated key works for its grace period.">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const state = keyState(k, now);
              return (
                <tr data-key-id={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code class="nowrap">tid_{k.prefix}…</code>
                  </td>
                  <td>{k.role}</td>
                  <td class={state === "active" ? undefined : "bad"}>{k.replacedBy && state === "active" ? "active (rotated)" : state}</td>
                  <td>
                    <Time at={k.createdAt} />
                  </td>
                  <td>{k.expiresAt ? <Time at={k.expiresAt} /> : orDash(null)}</td>
                  <td>{state === "active" ? <KeyActions entry={k} csrf={csrf} /> : null}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}

function KeyActions({ entry, csrf }: { entry: ApiKeyEntry; csrf: string }) {
  return (
    <>
      {entry.replacedBy ? null : (
        <form method="post" action={`/dashboard/keys/${entry.id}/rotate`} class="inline">
          <input type="hidden" name="csrf" value={csrf} />
          <label for={`grace-${entry.id}`}>Old key works for</label>
          <select id={`grace-${entry.id}`} name="graceSeconds">
            {GRACE_CHOICES.map(([seconds, text]) => (
              <option value={String(seconds)} selected={seconds === 86400}>
                {text}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary" aria-label={`Rotate ${label(entry)}`}>
            Rotate
          </button>
        </form>
      )}
      <form method="post" action={`/dashboard/keys/${entry.id}/revoke`} class="inline">
        <input type="hidden" name="csrf" value={csrf} />
        <button type="submit" class="secondary" aria-label={`Revoke ${label(entry)}`}>
          Revoke
        </button>
      </form>
    </>
  );
}
