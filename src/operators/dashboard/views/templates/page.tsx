import type { TemplateView } from "../../../../render/template-schema";
import type { EditorFields, FieldIssue } from "../../templates/form";
import { DashboardShell, type ShellSession } from "../layout";
import { EditorForm, SourceView } from "./editor";
import { HistorySection, PublishButton } from "./history";
import { IssueList, type ShownIssue } from "./issues";
import { PreviewSection, type PreviewOutcome } from "./preview";

export type TemplatePageProps = {
  nonce: string;
  session: ShellSession;
  template: TemplateView;
  /** The version the editor and the preview show. */
  version: number;
  fields: EditorFields;
  /** Set for editors and admins only: without it the page has no form that changes anything. */
  csrf: string | undefined;
  notice?: string | undefined;
  /** A refused save: the fields as typed, and what is wrong with them. */
  formIssues?: FieldIssue[] | undefined;
  /** Why `version` cannot be published (publish's own checks), shown before anyone tries. */
  checkIssues: ShownIssue[];
  /** Set when a publish of this version was just refused. */
  publishRefused?: boolean | undefined;
  preview: { locale: string; data: string; outcome: PreviewOutcome };
};

/** One template: state, editor (or source for viewers), checks, preview and history. */
export function TemplatePage(props: TemplatePageProps) {
  const { template, version, fields, csrf } = props;
  const published = template.publishedVersion;
  return (
    <DashboardShell title={`Template ${template.key}`} nonce={props.nonce} session={props.session} current="templates">
      <h1>{`Template ${template.key}`}</h1>
      <section class="card" aria-labelledby="state-title">
        <h2 id="state-title">State</h2>
        {props.notice ? (
          <p class="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <dl class="facts">
          <dt>Published</dt>
          <dd>{published === null ? "none yet" : `v${published}`}</dd>
          <dt>Latest</dt>
          <dd>{`v${template.latestVersion}`}</dd>
          <dt>Shown</dt>
          <dd>{`v${version}${version === published ? " (published)" : ""}`}</dd>
        </dl>
        {props.checkIssues.length > 0 ? (
          <IssueList
            id="check-issues"
            title={props.publishRefused ? `Version ${version} was not published:` : `Version ${version} cannot be published yet:`}
            issues={props.checkIssues}
            fields={fields}
          />
        ) : null}
        {csrf && version !== published && !props.formIssues ? (
          <div class="actions">
            <PublishButton templateId={template.id} version={version} published={published} csrf={csrf} />
          </div>
        ) : null}
      </section>
      <section class="card" aria-labelledby="editor-title">
        <h2 id="editor-title">{csrf ? `Edit (from v${version})` : `Source of v${version}`}</h2>
        {props.formIssues && props.formIssues.length > 0 ? (
          <div class="error" role="alert">
            <p>
              <strong>Not saved:</strong>
            </p>
            <ul class="issues">
              {props.formIssues.map((i) => (
                <li>{i.message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {csrf ? <EditorForm templateId={template.id} csrf={csrf} fields={fields} /> : <SourceView fields={fields} />}
      </section>
      {props.formIssues ? null : (
        <PreviewSection templateId={template.id} version={version} fields={fields} locale={props.preview.locale} data={props.preview.data} outcome={props.preview.outcome} />
      )}
      <HistorySection template={template} csrf={csrf} />
    </DashboardShell>
  );
}
