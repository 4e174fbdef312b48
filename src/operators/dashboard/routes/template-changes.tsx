import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { recordDashboardChange } from "../../../platform/audit/record";
import { publishVersion } from "../../../render/template-publish";
import { appendDraft, findTemplate } from "../../../render/template-store";
import { contentOf, type EditorFields, type FieldIssue, readEditorForm } from "../templates/form";
import { loadTemplatePage } from "../templates/load";
import type { ShownIssue } from "../views/templates/issues";
import { TemplatePage } from "../views/templates/page";
import { changeCsrf, readChangeForm } from "./change-guard";
import { renderDashboard, renderMessage } from "./render";
import { TemplateRouteParams, VersionRouteParams } from "./template-schema";
import { requireSession } from "./session";

type Ctx = Context<HonoEnv>;

const noTemplate = (c: Ctx) => renderMessage(c, "NOT_FOUND", "No such template", `${c.get("dashboard").organization.name} has no template or version like this.`, "templates");

/** The template's page again, answering a refused change: the fields as typed, or the checks that failed. */
async function renderRefusal(
  c: Ctx,
  templateId: string,
  version: number | undefined,
  refusal: { fields: EditorFields; formIssues: FieldIssue[] } | { checkIssues: ShownIssue[] },
  status: 400 | 422,
) {
  const session = c.get("dashboard");
  const data = await loadTemplatePage(c.get("services").db, session.organization.id, templateId, version === undefined ? {} : { v: version });
  if (!data) return noTemplate(c);
  const page = "checkIssues" in refusal ? { ...data, checkIssues: refusal.checkIssues, publishRefused: true } : { ...data, ...refusal };
  return renderDashboard(c, <TemplatePage nonce={c.get("cspNonce")} session={session.shell} csrf={await changeCsrf(c)} {...page} />, status);
}

/**
 * `POST /dashboard/templates/:id` saves the editor as a new draft version, and
 * `POST /dashboard/templates/:id/versions/:v/publish` publishes (or rolls back to) a version, with
 * the API's checks and code. Both need this session's CSRF token and an editor or admin key, and are audited.
 */
export const registerTemplateChanges = (app: App) => {
  app.post("/dashboard/templates/:id", requireSession(), async (c) => {
    const guarded = await readChangeForm(c, "templates");
    if (!guarded.ok) return guarded.response;
    const { db } = c.get("services");
    const session = c.get("dashboard");
    const params = TemplateRouteParams.safeParse(c.req.param());
    const row = params.success ? await findTemplate(db, session.organization.id, params.data.id) : undefined;
    if (!row) return noTemplate(c);
    const fields = readEditorForm(guarded.form);
    const content = contentOf(fields);
    if (!content.ok) return renderRefusal(c, row.id, undefined, { fields, formIssues: content.error }, 400);
    const version = await appendDraft(db, row, content.value);
    await recordDashboardChange(
      db,
      { organizationId: session.organization.id, apiKeyId: session.apiKeyId },
      {
        action: "template.version_create",
        targetType: "template",
        targetId: row.id,
        details: { key: row.key, version },
      },
    );
    return c.redirect(`/dashboard/templates/${row.id}?v=${version}&notice=saved`, 303);
  });

  app.post("/dashboard/templates/:id/versions/:v/publish", requireSession(), async (c) => {
    const guarded = await readChangeForm(c, "templates");
    if (!guarded.ok) return guarded.response;
    const { db } = c.get("services");
    const session = c.get("dashboard");
    const params = VersionRouteParams.safeParse(c.req.param());
    if (!params.success) return noTemplate(c);
    const { id, v } = params.data;
    const published = await publishVersion(db, session.organization.id, id, v);
    if (!published.ok && published.error.code === "not_found") return noTemplate(c);
    if (!published.ok) return renderRefusal(c, id, v, { checkIssues: published.error.code === "invalid" ? published.error.issues : [] }, 422);
    const { template, previousVersion, rollback } = published.value;
    await recordDashboardChange(
      db,
      { organizationId: session.organization.id, apiKeyId: session.apiKeyId },
      {
        action: "template.publish",
        targetType: "template",
        targetId: template.id,
        details: { key: template.key, version: v, previousVersion, rollback },
      },
    );
    return c.redirect(`/dashboard/templates/${template.id}?v=${v}&notice=${rollback ? "rolled_back" : "published"}`, 303);
  });
};
