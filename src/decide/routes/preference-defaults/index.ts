import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../../platform/errors";
import { recordApiChange } from "../../../platform/audit/record";
import type { App } from "../../../context";
import type { Database } from "../../../platform/db/client";
import { requireApiKey } from "../../../platform/http/auth";
import { flushWindows, windowsFollowingDefaults } from "../../../digest/flush";
import { invalidateOrganizationPreferences } from "../../preferences/load";
import type { OrganizationDefault } from "../../preferences/model";
import { listCategories, listDefaults, mergeDefaults } from "../../preferences/store";
import { PreferenceDefaultsView, PutPreferenceDefaultsBody } from "./schema";

const getRoute = createRoute({
  method: "get",
  path: "/v1/preference-defaults",
  operationId: "getPreferenceDefaults",
  tags: ["preferences"],
  summary: "The organisation's default preferences per category",
  description:
    "The organisation's default per category (what applies to a recipient who chose nothing) and which categories are locked, so that recipients cannot change them. Roles: viewer, editor, admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  responses: { 200: { description: "Defaults", content: { "application/json": { schema: PreferenceDefaultsView } } }, ...errorResponses(401, 403) },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/preference-defaults",
  operationId: "updatePreferenceDefaults",
  tags: ["preferences"],
  summary: "Change some of the organisation's defaults (partial), lock or unlock categories",
  description:
    "Sets the default per category (`null` removes a category's default) and locks or unlocks categories: a locked category uses the organisation's setting whatever a recipient chose. Recipients who did not choose follow the change at once. Ending digest delivery sends what is pending in their digests now. Roles: editor, admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["editor", "admin"] })] as const,
  request: { body: { content: { "application/json": { schema: PutPreferenceDefaultsBody } }, required: true } },
  responses: { 200: { description: "Defaults after the change", content: { "application/json": { schema: PreferenceDefaultsView } } }, ...errorResponses(400, 401, 403) },
});

async function buildView(db: Database, organizationId: string): Promise<PreferenceDefaultsView> {
  const [categories, defaults] = await Promise.all([listCategories(db, organizationId), listDefaults(db, organizationId)]);
  return {
    categories: categories.map((category) => {
      const d = defaults.find((x) => x.category === category);
      return d ? { ...d, configured: true } : { category, enabled: true, delivery: "immediate" as const, digest: null, locked: false, configured: false };
    }),
  };
}

const digesting = (d: OrganizationDefault | undefined) => d?.enabled && d.delivery === "digest";

export const registerPreferenceDefaultRoutes = (app: App) => {
  app.openapi(getRoute, async (c) => c.json(await buildView(c.get("services").db, c.get("caller").organizationId), 200));

  app.openapi(putRoute, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const organizationId = caller.organizationId;
    const body = c.req.valid("json");
    const patches = body.categories;
    const before = await listDefaults(db, organizationId);
    await mergeDefaults(db, organizationId, patches);
    await recordApiChange(db, caller, { action: "preference_defaults.update", targetType: "organization", targetId: organizationId, details: body });
    await invalidateOrganizationPreferences(c.get("services"), organizationId);
    const after = await listDefaults(db, organizationId);
    const ending = Object.keys(patches).filter((category) => {
      const was = before.find((d) => d.category === category);
      const now = after.find((d) => d.category === category);
      return digesting(was) && (now?.enabled ?? true) && (!digesting(now) || JSON.stringify(now?.digest) !== JSON.stringify(was?.digest));
    });
    await flushWindows(c.get("services"), await windowsFollowingDefaults(db, organizationId, ending));
    return c.json(await buildView(db, organizationId), 200);
  });
};
