import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { recordDashboardChange } from "../../../platform/audit/record";
import { issuePath, publishVersion } from "../../../render/template-publish";
import { ApiError } from "../../../platform/errors";
import { wantsPage } from "../../../platform/http/page-refusal";
import { appendDraft, findTemplate } from "../../../render/template-store";
import { contentOf, type EditorFields, type FieldIssue, readEditorForm } from "../templates/form";
import { loadTemplatePage } from "../templates/load";
import { TemplatePage } from "../views/templates/page";
import { changeCsrf, readChangeForm } from "./change-guard";
import { renderDashboard, renderMessage } from "./render";
import { TemplateRouteParams, VersionRouteParams } from "./template-schema";
import { requireSession } from "./session";

type Ctx = Context<HonoEnv>;

const noTemplate = (c: Ctx) => renderMessage(c, "NOT_FOUND", "No such template", `${c.get("dashboard").organization.name} has no template or version like this.`, "templates");

/** The template's page again, answering a refused save: the fields as typed, and what is wrong with them. */
async function renderRefusedSave(c: Ctx, templateId: string, refusal: { fields: EditorFields; formIssues: FieldIssue[] }) {
  const session = c.get("dashboard");
  const data = await loadTemplatePage(c.get("services").db, session.organization.id, templateId, {});
  if (!data) return noTemplate(c);
  return renderDashboard(c, <TemplatePage nonce={c.get("cspNonce")} session={session.shell} csrf={await changeCsrf(c)} {...data} {...refusal} />, 400);
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
    if (!content.ok) return renderRefusedSave(c, row.id, { fields, formIssues: content.error });
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
    if (!published.ok) {
      const { issues } = published.error.code === "invalid" ? published.error : { issues: [] };
      if (!wantsPage(c))
        throw new ApiError(
          "UNPROCESSABLE_ENTITY",
          `Version ${v} cannot be published.`,
          issues.map((i) => ({ path: issuePath(i), message: i.message })),
        );
      // Post, redirect, get: the page the browser lands on shows the same checks' issues at their lines.
      return c.redirect(`/dashboard/templates/${id}?v=${v}&notice=refused`, 303);
    }
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
