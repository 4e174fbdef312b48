import { Redis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import type { Env } from "../env";
import type { Database } from "../platform/db/client";
import { type Logger, messageOf } from "../platform/log";

/** Long enough for a cold connection to Neon, short enough that a load balancer's probe gets an answer. */
export const READY_CHECK_TIMEOUT_MS = 2_000;

export type CheckName = "database" | "redis" | "queues";
export type CheckResult = { status: "ok" | "failed" | "skipped"; latencyMs: number; error?: string };
export type Readiness = { ready: boolean; checks: Record<CheckName, CheckResult> };

export type ReadinessDeps = {
  db: Database;
  env: Pick<Env, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN" | "NOTIFICATION_QUEUE" | "PRIORITY_QUEUE">;
  log: Logger;
  timeoutMs?: number;
};

type Probe = () => Promise<string | undefined>;

/**
 * Whether this deployment can take work: PostgreSQL answers, Redis answers when it is configured,
 * and both queues are bound. Each check runs under its own deadline and at the same time as the
 * others. A failure's reason is a fixed phrase (the error itself, which may name hosts, is logged).
 */
export async function checkReadiness({ db, env, log, timeoutMs = READY_CHECK_TIMEOUT_MS }: ReadinessDeps): Promise<Readiness> {
  const run = (name: CheckName, probe: Probe) => timed(name, probe, timeoutMs, log);
  const [database, redis, queues] = await Promise.all([
    run("database", async () => {
      await db.execute(sql`SELECT 1`);
      return undefined;
    }),
    env.UPSTASH_REDIS_REST_URL ? run("redis", () => pingRedis(env.UPSTASH_REDIS_REST_URL ?? "", env.UPSTASH_REDIS_REST_TOKEN, timeoutMs)) : skipped(),
    run("queues", async () => (isQueue(env.NOTIFICATION_QUEUE) && isQueue(env.PRIORITY_QUEUE) ? undefined : "queue binding missing")),
  ]);
  const checks = { database, redis, queues };
  return { ready: Object.values(checks).every((c) => c.status !== "failed"), checks };
}

async function pingRedis(url: string, token: string | undefined, timeoutMs: number): Promise<string | undefined> {
  if (!token) return "UPSTASH_REDIS_REST_TOKEN is not set";
  // No retries: the deadline is the probe's (a retrying client would answer after it). The abort
  // comes a little later, only so a hung call does not outlive the request for long.
  const redis = new Redis({ url, token, retry: { retries: 0 }, enableTelemetry: false, signal: () => AbortSignal.timeout(timeoutMs + 500) });
  const answer = await redis.ping();
  return answer === "PONG" ? undefined : "unexpected answer to PING";
}

const isQueue = (binding: unknown): boolean => typeof binding === "object" && binding !== null && "send" in binding && typeof binding.send === "function";

const skipped = async (): Promise<CheckResult> => ({ status: "skipped", latencyMs: 0 });

async function timed(name: CheckName, probe: Probe, timeoutMs: number, log: Logger): Promise<CheckResult> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  let error: string | undefined;
  try {
    const outcome = await Promise.race([probe(), deadline]);
    if (outcome === "timeout") error = `no answer within ${timeoutMs} ms`;
    else if (outcome !== undefined) error = outcome;
  } catch (e) {
    log.warn("readiness check failed", { check: name, error: messageOf(e) });
    error = "unreachable";
  } finally {
    clearTimeout(timer);
  }
  const latencyMs = Date.now() - started;
  return error === undefined ? { status: "ok", latencyMs } : { status: "failed", latencyMs, error };
}
