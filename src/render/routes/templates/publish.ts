import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { recordApiChange } from "../../../platform/audit/record";
import type { App } from "../../../context";
import { templates, templateVersions } from "../../../platform/db/schema";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { validateTemplate } from "../..";
import { loadBranding } from "../../branding";
import { findTemplate, findVersion, templateView } from "../../template-store";
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
    const organizationId = caller.organizationId;
    const { id, v } = c.req.valid("param");
    const template = await findTemplate(db, organizationId, id);
    const version = template ? await findVersion(db, template.id, v) : undefined;
    if (!template || !version) throw new ApiError("NOT_FOUND", `No version ${v} of template ${id}.`);
    const branding = await loadBranding(db, organizationId);
    // Every locale variant must pass too: a broken translation would fail only for some recipients.
    const variants = [{ locale: version.defaultLocale, ...version }, ...Object.entries(version.locales).map(([locale, l]) => ({ locale, ...l }))];
    for (const variant of variants) {
      const checked = await validateTemplate({
        subject: variant.subject,
        html: variant.html,
        text: variant.text ?? null,
        layout: branding.layout,
        branding: branding.values,
        sampleData: version.sampleData,
        requiredVariables: version.requiredVariables,
        locale: variant.locale,
      });
      if (!checked.ok) {
        throw new ApiError(
          "UNPROCESSABLE_ENTITY",
          `Version ${v} cannot be published (${variant.locale}): ${checked.error[0]?.message ?? "invalid"}.`,
          checked.error.map((i) => ({ path: `${variant.locale}.${i.part}${i.line ? `:${i.line}:${i.column ?? 0}` : ""}`, message: i.message })),
        );
      }
    }
    await db.update(templateVersions).set({ publishedAt: new Date() }).where(eq(templateVersions.id, version.id));
    await db.update(templates).set({ publishedVersion: v, updatedAt: new Date() }).where(eq(templates.id, template.id));
    const previousVersion = template.publishedVersion;
    // Going back to an older version than the one in use is the rollback; the log says so.
    const rollback = previousVersion !== null && v < previousVersion;
    await recordApiChange(db, caller, {
      action: "template.publish",
      targetType: "template",
      targetId: template.id,
      details: { key: template.key, version: v, previousVersion, rollback },
    });
    return c.json(await templateView(db, { ...template, publishedVersion: v }, true), 200);
  });
