import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { startLocalStack } from "../../scripts/lib/local-stack.mjs";
import { startSendGridFake } from "../../scripts/lib/sendgrid-fake.mjs";
import { seedDemo } from "../../scripts/lib/seed.mjs";
import { pingRedis } from "../../scripts/lib/upstash-bridge.mjs";
import { FLOOD_ORGANIZATION } from "./two-tenant.mjs";
import { snapshotApp } from "./snapshot.mjs";
import { writeWranglerConfigs } from "./wrangler-config.mjs";

const SENDGRID_KEY = "SG.bench-key";
/**
 * The service as `npm run dev` runs it (scripts/lib/local-stack.mjs), on free ports, from a
 * snapshot of the sources, with the sendgrid provider pointed at an in-process fake and the
 * database in a process of its own. With `gate`, the depth scenario's queue gate runs beside it,
 * held until `release()`. With `flood`, a second organisation (its admin key given) and the rate
 * limits on Redis, which must answer: limits that fail open would measure nothing.
 * @param {{ root: string, serverUrl?: string, gate: boolean, providerLatencyMs: number,
 *   retryBaseSeconds: number, logFile: string, onLine: (line: string) => void,
 *   flood?: { apiKey: string, recipientsPerSecond: number, recipientsBurst: number, keyConcurrency: number },
 *   runtime?: "wrangler" | "miniflare", inspect?: boolean }} options
 *   runtime: `wrangler dev` (default) or Miniflare's API without the dev proxy (see local-stack.mjs);
 *   inspect: the inspector for --cpu-profile (always open under wrangler dev)
 */
export async function startStack({ root, serverUrl, gate, providerLatencyMs, retryBaseSeconds, logFile, onLine, flood, runtime = "wrangler", inspect = false }) {
  /** @type {(() => Promise<unknown>)[]} */
  const stops = [];
  /** @type {Promise<void> | undefined} */
  let stopping;
  // Once only, however often it is called (a signal can arrive while `finally` is stopping).
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((e) => console.warn(`[bench] teardown: ${e}`));
    })());
  try {
    if (flood && !(await pingRedis({ port: Number(process.env.TEST_REDIS_PORT ?? 6379) })).ok) {
      throw new Error("the two-tenant scenario needs Redis on 127.0.0.1:6379 for its rate limits");
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), "tidings-bench-"));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const app = await snapshotApp(root, dir);
    const fake = await startSendGridFake({ apiKey: SENDGRID_KEY, latencyMs: providerLatencyMs, maxReceived: 1_000_000 });
    stops.push(fake.stop);

    let released = !gate;
    let controlUrl = "";
    if (gate) {
      const control = createServer((req, res) => res.end(req.url === "/gate" && released ? "released" : "held"));
      await new Promise((resolve) => control.listen(0, "127.0.0.1", () => resolve(undefined)));
      controlUrl = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (control.address()).port}`;
      stops.push(() => new Promise((resolve) => control.close(resolve)));
    }
    const { configs, heldQueues } = await writeWranglerConfigs({ app, gateMain: path.join(root, "bench/gate/worker.js"), ...(gate ? { gate: { controlUrl } } : {}) });
    const stack = await startLocalStack({
      root: app,
      configs,
      database: { ...(serverUrl ? { server: serverUrl } : {}), childProcess: true },
      vars: {
        // Both spellings: the one-provider name of the first pipeline and the list that followed it.
        EMAIL_PROVIDER: "sendgrid",
        EMAIL_PROVIDERS: "sendgrid",
        SENDGRID_BASE_URL: fake.url,
        SENDGRID_API_KEY: SENDGRID_KEY,
        RETRY_BASE_SECONDS: String(retryBaseSeconds),
        // Scaled with the retry base (both 30 s in production): with retries 1+2+4 s apart and a
        // 30 s cooldown, one circuit trip would exhaust every retry while the circuit is open
        // (measured: 470 of 5,000 notifications failed at a 20 % failure rate).
        CIRCUIT_COOLDOWN_SECONDS: String(Math.max(1, retryBaseSeconds)),
        // A throw-away key for whatever the Worker seals at rest during the run.
        SECRETS_KEY: randomBytes(32).toString("base64"),
        // A/B runs of a setting without editing the sources: BENCH_WORKER_VARS='{"DATABASE_HTTP_QUERIES":"false"}'.
        ...(process.env.BENCH_WORKER_VARS ? JSON.parse(process.env.BENCH_WORKER_VARS) : {}),
        ...(flood
          ? {
              RATE_LIMIT_RECIPIENTS_PER_SECOND: String(flood.recipientsPerSecond),
              RATE_LIMIT_RECIPIENTS_BURST: String(flood.recipientsBurst),
              RATE_LIMIT_KEY_CONCURRENCY: String(flood.keyConcurrency),
            }
          : {}),
      },
      ...(flood
        ? { redis: true, seed: (/** @type {string} */ url) => seedDemo(url, { apiKey: flood.apiKey, organizationId: FLOOD_ORGANIZATION.id, name: FLOOD_ORGANIZATION.name }) }
        : {}),
      crons: true,
      runtime,
      inspect,
      persistTo: path.join(dir, "state"),
      output: { file: logFile, onLine },
    });
    stops.push(stack.stop);

    return {
      apiKey: stack.apiKey,
      port: stack.port,
      inspectorPort: stack.inspectorPort,
      // wrangler's inspector proxy serves the Worker at /ws; Miniflare's at /<worker name>.
      inspectorPath: "workerName" in stack.wrangler ? `/${stack.wrangler.workerName}` : "/ws",
      runtime,
      database: stack.database,
      fake,
      wrangler: stack.wrangler,
      heldQueues,
      release: () => {
        released = true;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
