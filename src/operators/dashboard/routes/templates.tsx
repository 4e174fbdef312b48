import type { App } from "../../../context";
import { findTemplate, findVersion, listTemplates } from "../../../render/template-store";
import { compareVersions } from "../templates/compare";
import { VersionDiffPage } from "../views/templates/version";
import { loadTemplatePage, TemplatePageQuery, NOTICES } from "../templates/load";
import { TemplatesPage } from "../views/templates/list";
import { TemplatePage } from "../views/templates/page";
import { canChange, changeCsrf } from "./change-guard";
import { renderDashboard, renderMessage } from "./render";
import { TemplateRouteParams, VersionRouteParams } from "./template-schema";
import { requireSession } from "./session";

/** `GET /dashboard/templates`, and `GET /dashboard/templates/:id?v=&locale=&data=`: one template's editor, checks, preview and history. */
export const registerTemplatePages = (app: App) => {
  app.get("/dashboard/templates", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const templates = await listTemplates(c.get("services").db, session.organization.id);
    return renderDashboard(c, <TemplatesPage nonce={c.get("cspNonce")} session={session.shell} templates={templates} />);
  });
  app.get("/dashboard/templates/:id", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const params = TemplateRouteParams.safeParse(c.req.param());
    const query = TemplatePageQuery.safeParse(c.req.query());
    if (!query.success) return renderMessage(c, "BAD_REQUEST", "Not a valid preview", "The version, locale or data in this link is not one the page can show.", "templates");
    const data = params.success ? await loadTemplatePage(c.get("services").db, session.organization.id, params.data.id, query.data) : undefined;
    if (!data) return renderMessage(c, "NOT_FOUND", "No such template", `${session.organization.name} has no template or version like this.`, "templates");
    const csrf = canChange(session.role) ? await changeCsrf(c) : undefined;
    const { notice } = query.data;
    return renderDashboard(
      c,
      <TemplatePage
        nonce={c.get("cspNonce")}
        session={session.shell}
        csrf={csrf}
        notice={notice && notice !== "refused" ? NOTICES[notice] : undefined}
        publishRefused={notice === "refused"}
        {...data}
      />,
    );
  });
};

/** `GET /dashboard/templates/:id/versions/:v`: version `v` against the published one. */
export const registerVersionDiff = (app: App) =>
  app.get("/dashboard/templates/:id/versions/:v", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const { db } = c.get("services");
    const params = VersionRouteParams.safeParse(c.req.param());
    const row = params.success ? await findTemplate(db, session.organization.id, params.data.id) : undefined;
    const version = row && params.success ? await findVersion(db, row.id, params.data.v) : undefined;
    const published = row?.publishedVersion ? await findVersion(db, row.id, row.publishedVersion) : undefined;
    if (!row || !version) return renderMessage(c, "NOT_FOUND", "No such template", `${session.organization.name} has no template or version like this.`, "templates");
    if (!published) return renderMessage(c, "NOT_FOUND", "Nothing to compare with", "This template has no published version yet.", "templates");
    const page = { templateId: row.id, templateKey: row.key, version: version.version, published: published.version, diffs: compareVersions(published, version) };
    return renderDashboard(c, <VersionDiffPage nonce={c.get("cspNonce")} session={session.shell} {...page} />);
  });
