import { createRoute } from "@hono/zod-openapi";
import { recordApiChange } from "../../../platform/audit/record";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { templateView } from "../../template-store";
import { issuePath, publishVersion } from "../../template-publish";
import { TemplateView, VersionParams } from "../../template-schema";

const route = createRoute({
  method: "post",
  path: "/v1/templates/{id}/versions/{v}/publish",
  operationId: "publishTemplateVersion",
  tags: ["templates"],
  summary: "Validate a version and make it the one new notifications use (also how you roll back)",
  description:
    "Checks version `v` in every locale (liquid parses, required variables exist in the sample data, the sample renders to well-formed HTML) and makes it the version new notifications render with. Publishing an older version than the one in use is the rollback; the audit log marks it so. Roles: editor, admin. Errors: 404 for an unknown template or version; 422 when a check fails, with fields such as `en.html:2:14`.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["editor", "admin"] })] as const,
  request: { params: VersionParams },
  responses: { 200: { description: "Published", content: { "application/json": { schema: TemplateView } } }, ...errorResponses(400, 401, 403, 404, 422) },
});

export const registerPublishTemplate = (app: App) =>
  app.openapi(route, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const { id, v } = c.req.valid("param");
    const published = await publishVersion(db, caller.organizationId, id, v);
    if (!published.ok) {
      const refusal = published.error;
      if (refusal.code === "not_found") throw new ApiError("NOT_FOUND", `No version ${v} of template ${id}.`);
      throw new ApiError(
        "UNPROCESSABLE_ENTITY",
        `Version ${v} cannot be published (${refusal.locale}): ${refusal.issues[0]?.message ?? "invalid"}.`,
        refusal.issues.map((i) => ({ path: issuePath(i), message: i.message })),
      );
    }
    const { template, previousVersion, rollback } = published.value;
    await recordApiChange(db, caller, {
      action: "template.publish",
      targetType: "template",
      targetId: template.id,
      details: { key: template.key, version: v, previousVersion, rollback },
    });
    return c.json(await templateView(db, template, true), 200);
  });
