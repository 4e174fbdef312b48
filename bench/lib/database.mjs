import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { applyMigrations, createScratchDatabase, dropDatabase } from "../../scripts/lib/migrate.mjs";

/**
 * @typedef {object} BenchDatabase
 * @property {string} url        where migrations, seed and the bench's own queries go
 * @property {number} bridgePort WebSocket bridge for the Worker's Neon driver
 * @property {number} pid        of the child process holding PGlite and the bridge (for CPU figures)
 * @property {string} kind       "embedded PGlite" or "PostgreSQL at host:port"
 * @property {() => Promise<{ connections: number, roundTrips: number, execMs: number } | undefined>} stats
 *   counters of the embedded database since start; undefined for a server
 * @property {() => Promise<void>} stop
 */

/**
 * Embedded PostgreSQL in a child process, or a scratch database on `serverUrl` (dropped on stop),
 * migrated from `migrationsFolder`. The bridge runs in the child either way.
 * @param {{ serverUrl?: string, migrationsFolder: string }} options
 * @returns {Promise<BenchDatabase>}
 */
export async function startDatabase({ serverUrl, migrationsFolder }) {
  const scratchUrl = serverUrl ? await createScratchDatabase(serverUrl, "tidings_bench") : undefined;
  const child = fork(fileURLToPath(new URL("./db-process.mjs", import.meta.url)), [], {
    env: { ...process.env, ...(scratchUrl ? { BENCH_DATABASE_URL: scratchUrl } : {}) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const dropScratch = async () => {
    if (serverUrl && scratchUrl) await dropDatabase(serverUrl, scratchUrl).catch((e) => console.warn(`[bench] could not drop ${scratchUrl}: ${e}`));
  };
  /** @type {{ url: string, bridgePort: number }} */
  let ready;
  try {
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("database process did not start within 60 s")), 60_000);
      child.once("message", (m) => {
        clearTimeout(timer);
        resolve(/** @type {any} */ (m));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`database process exited with ${code}`));
      });
    });
    await applyMigrations(ready.url, { migrationsFolder });
  } catch (e) {
    child.kill("SIGKILL");
    await dropScratch();
    throw e;
  }

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("stop");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    await dropScratch();
  };
  const stats = () =>
    serverUrl
      ? Promise.resolve(undefined)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(undefined), 5000);
          child.once("message", (/** @type {any} */ m) => {
            clearTimeout(timer);
            resolve(m.stats);
          });
          child.send("stats");
        });
  const kind = serverUrl ? `PostgreSQL at ${new URL(serverUrl).host}` : "embedded PGlite";
  return { url: ready.url, bridgePort: ready.bridgePort, pid: /** @type {number} */ (child.pid), kind, stats, stop };
}
