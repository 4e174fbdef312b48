import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { checkReadiness, READY_CHECK_TIMEOUT_MS } from "../../readiness";
import { Liveness, Readiness } from "./schema";

const live = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["health"],
  summary: "Liveness: the Worker answers; touches nothing else, so load balancers may call it often",
  description: 'No key needed. Always `{ "ok": true }` while the Worker runs; use GET /health/ready to check its dependencies.',
  security: [],
  responses: { 200: { description: "Alive", content: { "application/json": { schema: Liveness } } } },
});

const ready = createRoute({
  method: "get",
  path: "/health/ready",
  operationId: "getReadiness",
  tags: ["health"],
  summary: `Readiness: PostgreSQL, Redis (when configured) and the queue bindings, each checked within ${READY_CHECK_TIMEOUT_MS} ms`,
  description: "503 (SERVICE_UNAVAILABLE) names each failed check in `fields`: `path` is the check, `message` why it failed.",
  security: [],
  responses: { 200: { description: "Ready, with each check's result", content: { "application/json": { schema: Readiness } } }, ...errorResponses(503) },
});

export const registerHealthRoutes = (app: App) => {
  app.openapi(live, (c) => c.json({ ok: true } as const, 200));

  app.openapi(ready, async (c) => {
    const { db, env, log } = c.get("services");
    const readiness = await checkReadiness({ db, env, log });
    const failed = Object.entries(readiness.checks).filter(([, check]) => check.status === "failed");
    if (failed.length > 0) {
      throw new ApiError(
        "SERVICE_UNAVAILABLE",
        `Not ready: ${failed.map(([name]) => name).join(", ")} failed.`,
        failed.map(([name, check]) => ({ path: name, message: check.error ?? "failed" })),
      );
    }
    const body: Readiness = { ready: true, checks: readiness.checks };
    return c.json(body, 200);
  });
};
