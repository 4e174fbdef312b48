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
  operationId: "listProviders",
  tags: ["providers"],
  summary: "The organisation's provider order, secrets redacted",
  description:
    "The providers the organisation sends through, in the order they are tried, with each configuration's id (the one in its webhook URL, /webhooks/{provider}/{id}). Secrets show only their last four characters. `usingDefaults` is true when the organisation has none of its own and the environment's chain is used. Roles: admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["admin"] })] as const,
  responses: { 200: { description: "Providers", content: { "application/json": { schema: ProvidersView } } }, ...errorResponses(401, 403) },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/providers",
  operationId: "replaceProviders",
  tags: ["providers"],
  summary: "Replace the organisation's provider order and credentials",
  description:
    "Replaces the organisation's provider order and credentials (up to five; an empty list goes back to the environment's chain). Credentials are sealed at rest and never shown back; an entry with an `id` edits that configuration and keeps its webhook URL. Roles: admin. Errors: 400 for invalid settings, a base URL or endpoint that is not the provider's own https host, an SMTP server on a private address or a port other than 25, 465, 587 or 2525 (PROVIDER_EXTRA_HOSTS aside), or `capture` without DEV_MODE.",
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
