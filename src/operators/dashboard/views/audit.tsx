import type { auditLog } from "../../../platform/db/schema";
import { compactJson, TableRegion, Time } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

type Props = {
  nonce: string;
  session: ShellSession;
  entries: (typeof auditLog.$inferSelect)[];
  actions: readonly string[];
  action?: string;
  older: string | null;
  paged: boolean;
};

const pagePath = (action?: string, cursor?: string) => {
  const params = new URLSearchParams();
  if (action) params.set("action", action);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `/dashboard/audit?${query}` : "/dashboard/audit";
};

/** Who changed what and when, newest first, filterable by action. */
export function AuditPage({ nonce, session, entries, actions, action, older, paged }: Props) {
  return (
    <DashboardShell title="Audit log" nonce={nonce} session={session} current="audit">
      <h1>Audit log</h1>
      <section class="card" aria-labelledby="audit-title">
        <h2 id="audit-title">{action ? `Changes: ${action}` : "Every change"}</h2>
        <form method="get" action="/dashboard/audit" class="search">
          <div class="field">
            <label for="audit-action">Action</label>
            <select id="audit-action" name="action">
              <option value="" selected={!action}>
                All actions
              </option>
              {actions.map((a) => (
                <option value={a} selected={a === action}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Filter</button>
        </form>
        {entries.length === 0 ? (
          <p>{paged ? "No older entries." : "No entries."}</p>
        ) : (
          <TableRegion labelledBy="audit-title" note="Newest first; details say what changed, never a secret.">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Via</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr>
                    <th scope="row">
                      <Time at={e.createdAt} />
                    </th>
                    <td>{e.action}</td>
                    <td>
                      {e.actorType} <code>{e.actorId}</code>
                    </td>
                    <td>
                      {e.targetType} {e.targetId ? <code>{e.targetId}</code> : null}
                    </td>
                    <td>{e.via}</td>
                    <td>
                      <code>{compactJson(e.details)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        <nav class="pager" aria-label="Pages of the audit log">
          {paged ? <a href={pagePath(action)}>Newest</a> : null}
          {older ? (
            <a href={pagePath(action, older)} rel="next">
              Older
            </a>
          ) : null}
        </nav>
      </section>
    </DashboardShell>
  );
}
