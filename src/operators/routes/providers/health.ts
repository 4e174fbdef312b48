import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../../platform/errors";
import type { App } from "../../../context";
import { requireApiKey } from "../../../platform/http/auth";
import { loadProviderHealth } from "../../provider-health";
import { ProvidersHealth } from "../../provider-schema";

const route = createRoute({
  method: "get",
  path: "/v1/providers/health",
  operationId: "getProviderHealth",
  tags: ["providers"],
  summary: "Each provider's circuit breaker and the organisation's calls to it over the last day",
  description:
    "For each provider the organisation sends through (its own, or the environment's when it has none): the circuit breaker (closed; open until `openUntil`; half-open, where the next send probes it), the last failure, and the organisation's calls in the last 24 hours by outcome with their p50/p95 latency. Roles: viewer, editor, admin.",
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
