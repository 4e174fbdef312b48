import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { renderNotification, SYSTEM_BASE_LAYOUT, validateTemplate } from "../..";
import { loadBranding } from "../../branding";
import { findTemplate, findVersion } from "../../template-store";
import { PreviewBody, PreviewView, TemplateParams } from "../../template-schema";

const route = createRoute({
  method: "post",
  path: "/v1/templates/{id}/preview",
  operationId: "previewTemplate",
  tags: ["templates"],
  summary: "Render subject, HTML and text of a version with given or sample data",
  description:
    "Renders a version (default: the latest, draft or not) as an email would be, inside the organisation's branding layout, with the data given or the version's sample data and a sample recipient; sends nothing and stores nothing. Roles: viewer, editor, admin. Errors: 404 for an unknown template or version; 422 when the liquid does not parse (fields name the part, line and column) or does not render.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { params: TemplateParams, body: { content: { "application/json": { schema: PreviewBody } }, required: true } },
  responses: { 200: { description: "Rendered", content: { "application/json": { schema: PreviewView } } }, ...errorResponses(400, 401, 403, 404, 422) },
});

export const registerPreviewTemplate = (app: App) =>
  app.openapi(route, async (c) => {
    const { db } = c.get("services");
    const organizationId = c.get("caller").organizationId;
    const body = c.req.valid("json");
    const template = await findTemplate(db, organizationId, c.req.valid("param").id);
    const version = template ? await findVersion(db, template.id, body.version) : undefined;
    if (!template || !version) throw new ApiError("NOT_FOUND", "No such template or version.");
    const branding = await loadBranding(db, organizationId);
    // Parse first, so a broken draft answers with its line and column rather than a render error.
    const checked = await validateTemplate({
      subject: version.subject,
      html: version.html,
      text: version.text,
      layout: branding.layout,
      branding: branding.values,
      sampleData: body.data ?? version.sampleData,
    });
    if (!checked.ok && checked.error.some((i) => i.line !== undefined)) {
      throw new ApiError(
        "UNPROCESSABLE_ENTITY",
        "The template does not parse.",
        checked.error.map((i) => ({ path: `${i.part}${i.line ? `:${i.line}:${i.column ?? 0}` : ""}`, message: i.message })),
      );
    }
    const rendered = await renderNotification({
      base: SYSTEM_BASE_LAYOUT,
      branding,
      template: {
        id: version.id,
        version: version.version,
        defaultLocale: version.defaultLocale,
        subject: version.subject,
        html: version.html,
        text: version.text,
        locales: version.locales,
      },
      recipient: {
        email: body.recipient?.email ?? "recipient@example.com",
        name: body.recipient?.name ?? "Sample Recipient",
        locale: body.locale ?? null,
        timezone: body.recipient?.timezone ?? null,
      },
      data: body.data ?? version.sampleData,
      links: { unsubscribeUrl: "https://example.com/unsubscribe", preferencesUrl: "https://example.com/preferences" },
    });
    if (!rendered.ok) throw new ApiError("UNPROCESSABLE_ENTITY", rendered.error.message, [{ path: rendered.error.context.part ?? "html", message: rendered.error.message }]);
    return c.json({ subject: rendered.value.subject, html: rendered.value.html ?? "", text: rendered.value.text }, 200);
  });
