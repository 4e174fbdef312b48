import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { recordApiChange } from "../../platform/audit/record";
import type { App } from "../../context";
import { layouts } from "../../platform/db/schema";
import { ApiError, errorResponses } from "../../platform/errors";
import { requireApiKey } from "../../platform/http/auth";
import { DEFAULT_BRANDING_LAYOUT, validateLayout } from "..";
import { loadBranding } from "../branding";

const Params = z.object({ key: z.literal("branding").openapi({ param: { name: "key", in: "path" }, description: "Only the branding layout can be replaced today" }) });
const LayoutView = z.object({ key: z.string(), version: z.number().int(), source: z.string(), builtIn: z.boolean() }).openapi("Layout");
const PutLayoutBody = z.object({ source: z.string().min(1).max(200_000) }).openapi("PutLayoutBody", {
  example: {
    source:
      '{% layout "base" %}{% block styles %}{{ block.super }}.card { border-top: 4px solid {{ brand.primaryColor }}; }{% endblock %}{% block header %}<strong>{{ brand.name }}</strong>{% endblock %}',
  },
});

const get = createRoute({
  method: "get",
  path: "/v1/layouts/{key}",
  operationId: "getLayout",
  tags: ["layouts"],
  summary: "The organisation's branding layout (the built-in one until replaced)",
  description:
    "The liquid source of the organisation's branding layout, which every template extends, and its version; `builtIn: true` (version 0) until the organisation replaces it. Only `branding` exists today. Roles: viewer, editor, admin. Errors: 400 for another key.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { params: Params },
  responses: { 200: { description: "Layout", content: { "application/json": { schema: LayoutView } } }, ...errorResponses(400, 401, 403) },
});
const put = createRoute({
  method: "put",
  path: "/v1/layouts/{key}",
  operationId: "replaceLayout",
  tags: ["layouts"],
  summary: 'Replace the branding layout; it must extend "base" and render',
  description:
    "Replaces the branding layout with new liquid source and bumps its version; mail rendered from then on uses it. It must extend the system `base` layout (header, content block, footer with postal address and unsubscribe links) and render with the organisation's branding. Roles: editor, admin. Errors: 422 when it does not parse, does not extend base or does not render (fields name the part, line and column).",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["editor", "admin"] })] as const,
  request: { params: Params, body: { content: { "application/json": { schema: PutLayoutBody } }, required: true } },
  responses: { 200: { description: "Layout", content: { "application/json": { schema: LayoutView } } }, ...errorResponses(400, 401, 403, 422) },
});

export const registerLayoutRoutes = (app: App) => {
  app.openapi(get, async (c) => {
    const { layout } = await loadBranding(c.get("services").db, c.get("caller").organizationId);
    return c.json(
      layout
        ? { key: "branding", version: layout.version, source: layout.source, builtIn: false }
        : { key: "branding", version: 0, source: DEFAULT_BRANDING_LAYOUT.source, builtIn: true },
      200,
    );
  });
  app.openapi(put, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const organizationId = caller.organizationId;
    const { source } = c.req.valid("json");
    const { values } = await loadBranding(db, organizationId);
    const checked = await validateLayout({ source }, values);
    if (!checked.ok) {
      throw new ApiError(
        "UNPROCESSABLE_ENTITY",
        `The layout cannot be used: ${checked.error[0]?.message ?? "invalid"}.`,
        checked.error.map((i) => ({ path: `${i.part}${i.line ? `:${i.line}:${i.column ?? 0}` : ""}`, message: i.message })),
      );
    }
    const [row] = await db
      .insert(layouts)
      .values({ organizationId, key: "branding", source })
      .onConflictDoUpdate({ target: [layouts.organizationId, layouts.key], set: { source, version: sql`${layouts.version} + 1`, updatedAt: new Date() } })
      .returning();
    if (!row) throw new Error("layout upsert returned nothing");
    await recordApiChange(db, caller, { action: "layout.update", targetType: "layout", targetId: row.key, details: { key: row.key, version: row.version } });
    return c.json({ key: row.key, version: row.version, source: row.source, builtIn: false }, 200);
  });
};
