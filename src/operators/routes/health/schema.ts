import { z } from "@hono/zod-openapi";

export const Liveness = z.object({ ok: z.literal(true) }).openapi("Liveness", { example: { ok: true } });
export type Liveness = z.infer<typeof Liveness>;

export const CheckResult = z
  .object({
    status: z.enum(["ok", "failed", "skipped"]).openapi({ description: "`skipped`: not configured here (Redis without UPSTASH_REDIS_REST_URL)" }),
    latencyMs: z.number().int().min(0),
    error: z.string().optional().openapi({ description: "Why it failed, in a fixed phrase; the details are in the Worker's log" }),
  })
  .openapi("ReadinessCheck");
export type CheckResult = z.infer<typeof CheckResult>;

export const Readiness = z
  .object({
    ready: z.literal(true),
    checks: z.object({
      database: CheckResult.openapi({ description: "PostgreSQL answers `SELECT 1`" }),
      redis: CheckResult.openapi({ description: "Redis answers PING, when UPSTASH_REDIS_REST_URL is configured" }),
      queues: CheckResult.openapi({ description: "The notification and priority queues are bound" }),
    }),
  })
  .openapi("Readiness", {
    example: {
      ready: true,
      checks: { database: { status: "ok", latencyMs: 4 }, redis: { status: "ok", latencyMs: 2 }, queues: { status: "ok", latencyMs: 0 } },
    },
  });
export type Readiness = z.infer<typeof Readiness>;
