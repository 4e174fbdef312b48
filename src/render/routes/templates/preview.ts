import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { previewVersion } from "../../template-preview";
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
    const preview = await previewVersion(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("json"));
    if (preview.ok) return c.json(preview.value, 200);
    const refusal = preview.error;
    if (refusal.code === "not_found") throw new ApiError("NOT_FOUND", "No such template or version.");
    if (refusal.code === "unparsable")
      throw new ApiError(
        "UNPROCESSABLE_ENTITY",
        "The template does not parse.",
        refusal.issues.map((i) => ({ path: `${i.part}${i.line ? `:${i.line}:${i.column ?? 0}` : ""}`, message: i.message })),
      );
    throw new ApiError("UNPROCESSABLE_ENTITY", refusal.message, [{ path: refusal.part, message: refusal.message }]);
  });
