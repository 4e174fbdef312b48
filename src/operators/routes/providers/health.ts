import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../../platform/errors";
import type { App } from "../../../context";
import { requireApiKey } from "../../../platform/http/auth";
import { loadProviderHealth } from "../../provider-health";
import { ProvidersHealth } from "../../provider-schema";

const route = createRoute({
  method: "get",
  path: "/v1/providers/health",
  tags: ["providers"],
  summary: "Each provider's circuit breaker and the organisation's calls to it over the last day",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  responses: { 200: { description: "Provider health", content: { "application/json": { schema: ProvidersHealth } } }, ...errorResponses(401, 403) },
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const registerProviderHealth = (app: App) =>
  app.openapi(route, async (c) => {
    const health = await loadProviderHealth(c.get("services"), c.get("caller").organizationId, Date.now());
    const body: ProvidersHealth = {
      usingDefaults: health.usingDefaults,
      providers: health.providers.map((p) => ({ ...p, openUntil: iso(p.openUntil), lastFailureAt: iso(p.lastFailureAt) })),
    };
    return c.json(body, 200);
  });
