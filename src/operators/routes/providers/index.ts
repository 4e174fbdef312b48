import { createRoute } from "@hono/zod-openapi";
import { recordApiChange } from "../../../platform/audit/record";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { settingNames } from "../../../providers/config";
import { checkProviderHosts, hostPolicy } from "../../../providers/hosts";
import { registerProviderHealth } from "./health";
import { ProvidersView, PutProvidersBody } from "../../provider-schema";
import { listProviders, replaceProviders } from "../../provider-store";

const getRoute = createRoute({
  method: "get",
  path: "/v1/providers",
  tags: ["providers"],
  summary: "The organisation's provider order, secrets redacted",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["admin"] })] as const,
  responses: { 200: { description: "Providers", content: { "application/json": { schema: ProvidersView } } }, ...errorResponses(401, 403) },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/providers",
  tags: ["providers"],
  summary: "Replace the organisation's provider order and credentials",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["admin"] })] as const,
  request: { body: { content: { "application/json": { schema: PutProvidersBody } }, required: true } },
  responses: { 200: { description: "Providers", content: { "application/json": { schema: ProvidersView } } }, ...errorResponses(400, 401, 403) },
});

export const registerProviderRoutes = (app: App) => {
  registerProviderHealth(app);
  app.openapi(getRoute, async (c) => {
    return c.json(await listProviders(c.get("services"), c.get("caller").organizationId), 200);
  });
  app.openapi(putRoute, async (c) => {
    const caller = c.get("caller");
    const list = c.req.valid("json").providers;
    const policy = hostPolicy(c.get("services").env);
    const problems = list.flatMap((entry, i) => checkProviderHosts(entry, policy, `providers.${i}`));
    if (problems.length > 0) throw new ApiError("BAD_REQUEST", "A provider setting points somewhere this deployment does not send mail; see fields.", problems);
    const stored = await replaceProviders(c.get("services"), caller.organizationId, list);
    if (!stored.ok) throw new ApiError("INTERNAL_SERVER_ERROR", "This deployment has no SECRETS_KEY, so it cannot store provider credentials.");
    const providers = stored.value.map((p) => {
      const settings = list[p.position];
      return { ...p, fields: settings ? settingNames(settings) : [] };
    });
    await recordApiChange(c.get("services").db, caller, { action: "providers.update", targetType: "organization", targetId: caller.organizationId, details: { providers } });
    return c.json(await listProviders(c.get("services"), caller.organizationId), 200);
  });
};
