import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.mjs";
import { applyMigrations, createScratchDatabase, dropDatabase } from "../../scripts/lib/migrate.mjs";
import { freePort } from "../../scripts/lib/ports.mjs";
import { killProcessTree } from "../../scripts/lib/process-tree.mjs";
import { newApiKey, seedDemo } from "../../scripts/lib/seed.mjs";
import { pingRedis, startUpstashBridge } from "../../scripts/lib/upstash-bridge.mjs";
import { startWsBridge } from "../../scripts/lib/ws-bridge.mjs";
import { brandDemo } from "./brand-demo.mjs";

export type RunningService = { url: string; apiKey: string; logFile: string; stop: () => Promise<void> };

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The service as `npm run dev` runs it, on free ports: a database (a scratch database on
 * TEST_DATABASE_URL's server, else the embedded PGlite), migrations, the demo organisation with a
 * fresh API key, the Neon bridge, the preference cache when Redis answers, and `wrangler dev` with
 * the capture provider and throw-away signing keys. `wrangler dev` runs in its own process group,
 * so stopping it also stops workerd.
 */
export async function startService(): Promise<RunningService> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => console.warn(`[browser] teardown: ${e}`));
    stops.length = 0;
  };
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tidings-browser-"));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    let databaseUrl: string;
    const server = process.env.TEST_DATABASE_URL;
    if (server) {
      databaseUrl = await createScratchDatabase(server, "tidings_browser");
      stops.push(() => dropDatabase(server, new URL(databaseUrl).pathname.slice(1)));
    } else {
      const embedded = await startEmbeddedPostgres();
      databaseUrl = embedded.url;
      stops.push(() => embedded.stop());
    }
    await applyMigrations(databaseUrl);
    const apiKey = newApiKey();
    await seedDemo(databaseUrl, { apiKey });
    await brandDemo(databaseUrl);
    const db = new URL(databaseUrl);
    const bridge = await startWsBridge({ allow: (h: string, p: string | number) => h === db.hostname && Number(p) === Number(db.port || 5432) });
    stops.push(() => bridge.stop());
    const cache = await startCache();
    if (cache) stops.push(cache.stop);

    const port = await freePort();
    const vars: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      DATABASE_WS_PROXY: `127.0.0.1:${bridge.port}`,
      EMAIL_PROVIDERS: "capture",
      DEV_MODE: "true",
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SECRETS_KEY: randomBytes(32).toString("base64"),
      TOKEN_SIGNING_KEYS: `b1:${randomBytes(32).toString("base64url")}`,
      ...(cache ? { UPSTASH_REDIS_REST_URL: cache.url, UPSTASH_REDIS_REST_TOKEN: cache.token } : {}),
    };
    await mkdir(path.join(root, "test-output"), { recursive: true });
    const logFile = path.join(root, "test-output", "browser-wrangler.log");
    const wrangler = startWrangler({ port, inspectorPort: await freePort(), persistTo: path.join(dir, "state"), vars, logFile });
    stops.push(wrangler.stop);
    await wrangler.ready(180_000);
    return { url: `http://127.0.0.1:${port}`, apiKey, logFile, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The Upstash bridge to the machine's Redis, so a saved preference must invalidate a real cache; none without Redis. */
async function startCache() {
  const redisPort = Number(process.env.TEST_REDIS_PORT ?? 6379);
  if (!(await pingRedis({ port: redisPort })).ok) return undefined;
  const bridge = await startUpstashBridge({ redisPort });
  return { url: bridge.url, token: bridge.token, stop: () => bridge.stop() };
}

function startWrangler({ port, inspectorPort, persistTo, vars, logFile }: { port: number; inspectorPort: number; persistTo: string; vars: Record<string, string>; logFile: string }) {
  const args = [path.join(root, "node_modules/wrangler/bin/wrangler.js"), "dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort)];
  args.push("--persist-to", persistTo, "--show-interactive-dev-session=false");
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" } });
  const log = createWriteStream(logFile);
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > 40) tail.shift();
    });
  }
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  return {
    async ready(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (exited) throw new Error(`wrangler dev exited during start-up:\n${tail.join("\n")}`);
        if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error(`wrangler dev not ready after ${timeoutMs / 1000} s:\n${tail.join("\n")}`);
    },
    async stop() {
      if (child.pid) await killProcessTree(child.pid, { graceMs: 5000 });
      await new Promise((resolve) => log.end(resolve));
    },
  };
}
