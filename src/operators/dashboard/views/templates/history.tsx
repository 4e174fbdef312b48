import type { TemplateView } from "../../../../render/template-schema";
import { TableRegion, Time } from "../format";

type Version = NonNullable<TemplateView["versions"]>[number];

/** Publish (or roll back to) a version: one button, its own form, so it works without script. */
export function PublishButton({ templateId, version, published, csrf }: { templateId: string; version: number; published: number | null; csrf: string }) {
  const label = published !== null && version < published ? `Roll back to version ${version}` : `Publish version ${version}`;
  return (
    <form method="post" action={`/dashboard/templates/${templateId}/versions/${version}/publish`} class="inline">
      <input type="hidden" name="csrf" value={csrf} />
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  );
}

/** Every version, newest first: when made and published, a diff against the published one, and (for editors) publish or roll back. */
export function HistorySection({ template, csrf }: { template: TemplateView; csrf: string | undefined }) {
  const versions: Version[] = [...(template.versions ?? [])].reverse();
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">Version history</h2>
      <TableRegion labelledBy="history-title" note="Newest first. Versions never change: saving adds one.">
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Created</th>
              <th scope="col">Published at</th>
              <th scope="col">Compare</th>
              {csrf ? <th scope="col">Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr>
                <th scope="row">
                  <a href={`/dashboard/templates/${template.id}?v=${v.version}`}>{`v${v.version}`}</a> {v.published ? <span class="badge live">published</span> : null}
                </th>
                <td>
                  <Time at={new Date(v.createdAt)} />
                </td>
                <td>
                  <Time at={v.publishedAt ? new Date(v.publishedAt) : null} />
                </td>
                <td>
                  {template.publishedVersion !== null && !v.published ? (
                    <a href={`/dashboard/templates/${template.id}/versions/${v.version}`}>{`Diff v${v.version} against v${template.publishedVersion}`}</a>
                  ) : (
                    "—"
                  )}
                </td>
                {csrf ? <td>{v.published ? "in use" : <PublishButton templateId={template.id} version={v.version} published={template.publishedVersion} csrf={csrf} />}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
