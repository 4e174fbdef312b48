import { createRoute, z } from "@hono/zod-openapi";
import { recordApiChange } from "../../../platform/audit/record";
import type { App } from "../../../context";
import { templates } from "../../../platform/db/schema";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { appendDraft, findTemplate, listTemplates, templateView } from "../../template-store";
import { CreateTemplateBody, TemplateContent, TemplateParams, TemplateView } from "../../template-schema";

const readers = requireApiKey({ roles: ["viewer", "editor", "admin"] });
const editors = requireApiKey({ roles: ["editor", "admin"] });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const list = createRoute({
  method: "get",
  path: "/v1/templates",
  operationId: "listTemplates",
  tags: ["templates"],
  summary: "The organisation's templates",
  description:
    "Every template of the organisation with its published and latest version numbers (without the versions' content: GET /v1/templates/{id} has it). Roles: viewer, editor, admin.",
  security: [{ bearer: [] }],
  middleware: [readers] as const,
  responses: { 200: json(z.object({ templates: z.array(TemplateView) }), "Templates"), ...errorResponses(401, 403) },
});
const create = createRoute({
  method: "post",
  path: "/v1/templates",
  operationId: "createTemplate",
  tags: ["templates"],
  summary: "Create a template with its first draft version",
  description:
    "Creates a template and its version 1 as a draft. Nothing uses it until a version is published (POST /v1/templates/{id}/versions/{v}/publish) and an event type points at it (PUT /v1/event-types/{type}). Subject, HTML and text are liquid; the HTML extends the organisation's branding layout. Roles: editor, admin. Errors: 409 when the organisation has a template with that key.",
  security: [{ bearer: [] }],
  middleware: [editors] as const,
  request: { body: { content: { "application/json": { schema: CreateTemplateBody } }, required: true } },
  responses: { 201: json(TemplateView, "Created"), ...errorResponses(400, 401, 403, 409) },
});
const get = createRoute({
  method: "get",
  path: "/v1/templates/{id}",
  operationId: "getTemplate",
  tags: ["templates"],
  summary: "A template with every version",
  description:
    "One template with every version's content, which one is published and when. Roles: viewer, editor, admin. Errors: 404 for an unknown template or another organisation's.",
  security: [{ bearer: [] }],
  middleware: [readers] as const,
  request: { params: TemplateParams },
  responses: { 200: json(TemplateView, "Template"), ...errorResponses(400, 401, 403, 404) },
});
const update = createRoute({
  method: "put",
  path: "/v1/templates/{id}",
  operationId: "updateTemplate",
  tags: ["templates"],
  summary: "Edit: adds a draft version; the published one stays in use until you publish",
  description:
    "Adds a new draft version with the content given (versions are immutable). The published version stays in use for new notifications until the new one is published. Roles: editor, admin. Errors: 404 for an unknown template or another organisation's.",
  security: [{ bearer: [] }],
  middleware: [editors] as const,
  request: { params: TemplateParams, body: { content: { "application/json": { schema: TemplateContent } }, required: true } },
  responses: { 200: json(TemplateView, "Template"), ...errorResponses(400, 401, 403, 404) },
});

export const registerTemplateCrud = (app: App) => {
  app.openapi(list, async (c) => {
    return c.json({ templates: await listTemplates(c.get("services").db, c.get("caller").organizationId) }, 200);
  });
  app.openapi(create, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const { key, name, ...content } = c.req.valid("json");
    const [row] = await db
      .insert(templates)
      .values({ organizationId: caller.organizationId, key, name: name ?? null })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ApiError("CONFLICT", `A template with key "${key}" exists already.`, [{ path: "key", message: "already used" }]);
    const version = await appendDraft(db, row, content);
    await recordApiChange(db, caller, { action: "template.create", targetType: "template", targetId: row.id, details: { key, name: row.name, version } });
    return c.json(await templateView(db, row, true), 201);
  });
  app.openapi(get, async (c) => {
    const { db } = c.get("services");
    const row = await findTemplate(db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!row) throw new ApiError("NOT_FOUND", "No such template.");
    return c.json(await templateView(db, row, true), 200);
  });
  app.openapi(update, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const row = await findTemplate(db, caller.organizationId, c.req.valid("param").id);
    if (!row) throw new ApiError("NOT_FOUND", "No such template.");
    const version = await appendDraft(db, row, c.req.valid("json"));
    await recordApiChange(db, caller, { action: "template.version_create", targetType: "template", targetId: row.id, details: { key: row.key, version } });
    return c.json(await templateView(db, row, true), 200);
  });
};
