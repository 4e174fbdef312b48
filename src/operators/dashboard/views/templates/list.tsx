import type { TemplateView } from "../../../../render/template-schema";
import { orDash, TableRegion } from "../format";
import { DashboardShell, type ShellSession } from "../layout";

type Props = { nonce: string; session: ShellSession; templates: TemplateView[] };

/** The organisation's templates with the version in use and the newest one. */
export function TemplatesPage({ nonce, session, templates }: Props) {
  return (
    <DashboardShell title="Templates" nonce={nonce} session={session} current="templates">
      <h1>Templates</h1>
      <section class="card" aria-labelledby="templates-title">
        <h2 id="templates-title">Templates</h2>
        {templates.length === 0 ? (
          <p>No templates yet: create one with POST /v1/templates.</p>
        ) : (
          <TableRegion labelledBy="templates-title" note="New notifications render with the published version; drafts change nothing until published.">
            <table>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Name</th>
                  <th scope="col" class="num">
                    Published
                  </th>
                  <th scope="col" class="num">
                    Latest
                  </th>
                </tr>
              </thead>
              <tbody>
                {templates.map((t) => (
                  <tr>
                    <th scope="row">
                      <a href={`/dashboard/templates/${t.id}`}>{t.key}</a>
                    </th>
                    <td>{orDash(t.name)}</td>
                    <td class="num">{t.publishedVersion === null ? "none" : `v${t.publishedVersion}`}</td>
                    <td class="num">{`v${t.latestVersion}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </DashboardShell>
  );
}
