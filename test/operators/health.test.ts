import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import type { Readiness } from "../../src/operators/routes/health/schema";
import type { ErrorBody } from "../../src/platform/errors";

/** GET through the Worker's own fetch with some bindings changed (a stopped database, another Redis). */
async function get(path: string, overrides: Partial<typeof env> = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://tidings.test${path}`) as Parameters<typeof worker.fetch>[0], { ...env, ...overrides }, ctx);
  const body = (await res.json()) as Readiness & ErrorBody & { ok?: boolean };
  await waitOnExecutionContext(ctx);
  return { status: res.status, code: res.headers.get("tidings-error-code"), body };
}

/** host:port nothing listens on: the database's WebSocket bridge, or Redis, stopped. */
const closed = () => inject("closedCacheUrl");

describe("/health", () => {
  it("answers without touching the database, so it stays up while PostgreSQL is down", async () => {
    const res = await get("/health", { DATABASE_WS_PROXY: new URL(closed()).host });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });
});

describe("/health/ready", () => {
  it("answers 200 with each check's result when everything is up", async () => {
    const res = await get("/health/ready");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.ready).toBe(true);
    expect(res.body.checks.database.status).toBe("ok");
    expect(res.body.checks.queues.status).toBe("ok");
    expect(res.body.checks.redis.status).toBe(inject("upstashUrl") ? "ok" : "skipped");
  });

  it("answers 503 in the error envelope naming the database when PostgreSQL is unreachable", async () => {
    const res = await get("/health/ready", { DATABASE_WS_PROXY: new URL(closed()).host });
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.code).toBe("SERVICE_UNAVAILABLE");
    expect(res.body.error).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: "Not ready: database failed.", fields: [{ path: "database", message: expect.any(String) }] });
  });

  it("answers 503 naming Redis when it is configured and does not answer in time, and skips it when it is not configured", async () => {
    const hung = await get("/health/ready", { UPSTASH_REDIS_REST_URL: inject("hungCacheUrl"), UPSTASH_REDIS_REST_TOKEN: "t" });
    expect(hung.status, JSON.stringify(hung.body)).toBe(503);
    expect(hung.body.error.fields).toEqual([{ path: "redis", message: "no answer within 2000 ms" }]);

    const down = await get("/health/ready", { UPSTASH_REDIS_REST_URL: closed(), UPSTASH_REDIS_REST_TOKEN: "t" });
    expect(down.body.error.fields).toEqual([{ path: "redis", message: "unreachable" }]);

    const none = await get("/health/ready", { UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined });
    expect(none.status, JSON.stringify(none.body)).toBe(200);
    expect(none.body.checks.redis).toEqual({ status: "skipped", latencyMs: 0 });
  });
});

describe("the OpenAPI document", () => {
  it("describes /health, /health/ready, GET /v1/alerts and the queue in GET /v1/sending", async () => {
    const res = await worker.fetch(new Request("https://tidings.test/openapi.json") as Parameters<typeof worker.fetch>[0], env, createExecutionContext());
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths["/health"]?.get).toMatchObject({ operationId: "getHealth", security: [] });
    expect(doc.paths["/health/ready"]?.get).toMatchObject({ operationId: "getReadiness", security: [] });
    expect(Object.keys(doc.paths["/health/ready"]?.get ?? {})).toContain("responses");
    expect(doc.paths["/v1/alerts"]?.get).toMatchObject({ operationId: "listAlerts", security: [{ bearer: [] }] });
    expect(Object.keys(doc.components.schemas.SendingState?.properties ?? {})).toContain("queue");
  });
});
