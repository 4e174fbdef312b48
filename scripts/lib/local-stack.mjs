import { fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "./embedded-postgres.mjs";
import { applyMigrations, createScratchDatabase, dropDatabase, MIGRATIONS_FOLDER } from "./migrate.mjs";
import { freePort } from "./ports.mjs";
import { newApiKey, seedDemo } from "./seed.mjs";
import { pingRedis, startUpstashBridge } from "./upstash-bridge.mjs";
import { startMiniflare } from "./miniflare-runtime.mjs";
import { startWrangler } from "./wrangler-dev.mjs";
import { startWsBridge } from "./ws-bridge.mjs";

/**
 * @typedef {object} DatabaseChoice
 * @property {string} [url]          use this database as it is (`npm run dev` with DATABASE_URL)
 * @property {string} [server]       a scratch database on this server, dropped on stop (tests, bench)
 * @property {string} [dataDir]      neither: embedded PGlite, kept in this folder (else in memory)
 * @property {number} [port]         the embedded database's port (default: a free one)
 * @property {boolean} [childProcess] run the embedded database and the bridge in a process of their
 *   own, so their CPU can be told apart and PGlite's synchronous work stalls nothing else (bench)
 */

/**
 * @typedef {object} StackDatabase
 * @property {string} url
 * @property {number} bridgePort  the WebSocket bridge the Worker's Neon driver goes through
 * @property {number | undefined} pid  of the database process, when it has one of its own
 * @property {string} kind  "embedded PGlite" or "PostgreSQL at host:port"
 * @property {() => Promise<{ connections: number, roundTrips: number, execMs: number } | undefined>} stats
 */

/**
 * @typedef {object} StackOptions
 * @property {string} root  the app to run: wrangler.toml, src, drizzle and node_modules (a snapshot for the bench)
 * @property {string[]} [configs]  wrangler configs, primary first (default: the root's wrangler.toml)
 * @property {DatabaseChoice} [database]
 * @property {number} [port]  default: a free one
 * @property {string} [apiKey]  the demo organisation's admin key (default: a new one)
 * @property {Record<string, string>} [vars]  provider settings and secrets for the Worker
 * @property {boolean} [redis]  the preference cache through the Upstash bridge, when Redis answers on 6379
 * @property {boolean} [crons]  drive wrangler.toml's crons through /__scheduled (wrangler dev fires none itself)
 * @property {string} [persistTo]  where local queues and Durable Objects live (default: .wrangler)
 * @property {{ file?: string, onLine?: (line: string) => void, echo?: boolean }} [output]  wrangler's output
 * @property {(databaseUrl: string) => Promise<void>} [seed]  more to write after the demo organisation
 * @property {AbortSignal} [signal]  aborting during start-up stops what was started (Ctrl-C in `npm run dev`)
 * @property {"wrangler" | "miniflare"} [runtime]  `wrangler dev` (default), or the same bundle on Miniflare's
 *   API without wrangler's dev proxy, inspector relay and live reload (miniflare-runtime.mjs; the bench)
 * @property {boolean} [inspect]  miniflare: open the inspector on inspectorPort (`wrangler dev` always does)
 */

/**
 * The whole service on one machine with only Node, as `npm run dev`, the bench and the browser
 * tests run it: a database (embedded PGlite, a scratch database on a server, or one given),
 * migrations, the demo organisation, the WebSocket bridge the Neon driver needs locally, the
 * preference cache when asked, `wrangler dev`, and wrangler.toml's crons.
 * @param {StackOptions} options
 */
export async function startLocalStack(options) {
  const { root } = options;
  /** @type {(() => Promise<unknown>)[]} */
  const stops = [];
  /** @type {Promise<void> | undefined} */
  let stopping;
  // Once only, however often it is called (a signal can arrive while `finally` is stopping).
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((e) => console.warn(`[tidings] teardown: ${e}`));
    })());
  /** @template T @param {Promise<T>} step @returns {Promise<T>} */
  const step = (step) => {
    const signal = options.signal;
    if (!signal) return step;
    signal.throwIfAborted();
    return Promise.race([step, new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }))]);
  };
  try {
    const configs = options.configs ?? [path.join(root, "wrangler.toml")];
    const database = await step(startDatabase(options.database ?? {}, path.join(root, "drizzle")));
    stops.push(database.stop);
    const apiKey = options.apiKey ?? newApiKey();
    await step(seedDemo(database.url, { apiKey }));
    await step(options.seed?.(database.url) ?? Promise.resolve());
    const cache = options.redis ? await step(startCache()) : undefined;
    if (cache) stops.push(cache.stop);

    const port = options.port ?? (await freePort());
    const inspectorPort = await freePort();
    const vars = {
      DATABASE_URL: database.url,
      DATABASE_WS_PROXY: `127.0.0.1:${database.bridgePort}`,
      DEV_MODE: "true",
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      // The demo organisation (and the bench's second one) send as notifications@demo.tidings.dev:
      // the local deployment's own sender, allowed without a verified sender domain.
      UNVERIFIED_SENDER_DOMAINS: "demo.tidings.dev",
      ...(cache ? { UPSTASH_REDIS_REST_URL: cache.url, UPSTASH_REDIS_REST_TOKEN: cache.token } : {}),
      ...options.vars,
    };
    const output = options.output ?? {};
    const runtime = { root, configs, port, inspectorPort, persistTo: options.persistTo, vars, logFile: output.file, onLine: output.onLine, echo: output.echo };
    const wrangler = options.runtime === "miniflare" ? startMiniflare({ ...runtime, inspectorPort: options.inspect ? inspectorPort : undefined }) : startWrangler(runtime);
    stops.push(wrangler.stop);
    await step(wrangler.ready(180_000));

    if (options.crons) {
      for (const { cron, everyMs } of await readCrons(configs[0] ?? "")) {
        const fire = "scheduled" in wrangler ? wrangler.scheduled : () => fetch(`${wrangler.url}/__scheduled?cron=${encodeURIComponent(cron)}`);
        const timer = setInterval(() => fire(cron).catch(() => {}), everyMs);
        stops.push(async () => clearInterval(timer));
      }
    }
    return { url: wrangler.url, port, inspectorPort, apiKey, database, wrangler, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * @param {DatabaseChoice} choice
 * @param {string} migrationsFolder
 * @returns {Promise<StackDatabase & { stop: () => Promise<void> }>}
 */
async function startDatabase(choice, migrationsFolder = MIGRATIONS_FOLDER) {
  /** @type {(() => Promise<unknown>)[]} */
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.warn(`[tidings] database teardown: ${e}`));
  };
  try {
    let url = choice.url;
    if (!url && choice.server) {
      const server = choice.server;
      const scratch = await createScratchDatabase(server, "tidings_local");
      stops.push(() => dropDatabase(server, scratch));
      url = scratch;
    }
    const kind = url ? `PostgreSQL at ${new URL(url).host}` : "embedded PGlite";
    if (choice.childProcess) {
      const child = await forkDatabaseProcess(url);
      stops.push(child.stop);
      await applyMigrations(child.url, { migrationsFolder });
      return { url: child.url, bridgePort: child.bridgePort, pid: child.pid, kind, stats: child.stats, stop };
    }
    if (!url) {
      const embedded = await startEmbeddedPostgres({ dataDir: choice.dataDir, port: choice.port ?? 0 });
      stops.push(embedded.stop);
      url = embedded.url;
    }
    await applyMigrations(url, { migrationsFolder });
    const db = new URL(url);
    // The bridge reaches only the database, so it is no open relay.
    const bridge = await startWsBridge({ allow: (h, p) => h === db.hostname && Number(p) === Number(db.port || 5432), sql: { host: db.hostname, port: Number(db.port || 5432) } });
    stops.push(bridge.stop);
    return { url, bridgePort: bridge.port, pid: undefined, kind, stats: async () => undefined, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** @param {string | undefined} serverUrl */
async function forkDatabaseProcess(serverUrl) {
  const child = fork(fileURLToPath(new URL("./database-process.mjs", import.meta.url)), [], {
    env: { ...process.env, ...(serverUrl ? { STACK_DATABASE_URL: serverUrl } : {}) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  /** @type {{ url: string, bridgePort: number }} */
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("database process did not start within 60 s")), 60_000);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve(/** @type {{ url: string, bridgePort: number }} */ (m));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`database process exited with ${code}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send("stop");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  /** @returns {Promise<{ connections: number, roundTrips: number, execMs: number } | undefined>} */
  const stats = () =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 5000);
      child.once("message", (/** @type {any} */ m) => {
        clearTimeout(timer);
        resolve(m.stats);
      });
      child.send("stats");
    });
  return { ...ready, pid: child.pid, stop, stats };
}

/** The Upstash bridge to the machine's Redis; none when Redis does not answer. */
async function startCache() {
  const redisPort = Number(process.env.TEST_REDIS_PORT ?? 6379);
  if (!(await pingRedis({ port: redisPort })).ok) return undefined;
  const bridge = await startUpstashBridge({ redisPort });
  return { url: bridge.url, token: bridge.token, stop: () => bridge.stop() };
}

/**
 * The crons of a wrangler config's [triggers], with how often each fires. Only the shapes this
 * project uses are understood (every minute, every N minutes); anything else is refused rather
 * than driven at the wrong rate.
 * @param {string} configPath
 * @returns {Promise<{ cron: string, everyMs: number }[]>}
 */
export async function readCrons(configPath) {
  const toml = await readFile(configPath, "utf8");
  const line = /^crons\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return [...line.matchAll(/"([^"]+)"/g)].map(([, cron = ""]) => {
    if (cron === "* * * * *") return { cron, everyMs: 60_000 };
    const every = /^\*\/(\d+) \* \* \* \*$/.exec(cron)?.[1];
    if (every) return { cron, everyMs: Number(every) * 60_000 };
    throw new Error(`${configPath}: cron "${cron}" is not one the local stack can drive`);
  });
}
