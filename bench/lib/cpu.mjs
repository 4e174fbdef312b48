import { readFileSync } from "node:fs";
import { clockTicksPerSecond, processTree } from "../../scripts/lib/process-tree.mjs";

/**
 * CPU seconds (user + system) used so far by each part of the bench, from /proc:
 *   worker:   the workerd that runs Tidings (ingest and delivery);
 *   devProxy: the second workerd `wrangler dev` puts in front of it (serves --port; not in production);
 *   tooling:  wrangler's Node process (log piping, dev server) and esbuild;
 *   database: the child with PGlite and the WebSocket bridge (a PostgreSQL server's own processes
 *             are not counted);
 *   bench:    this process: load generator and SendGrid fake.
 * Processes that exited are not counted, which is why samples are taken while everything runs.
 *
 * Under `--runtime miniflare` there is no dev proxy and no wrangler process: `wranglerPid` is then
 * the Worker's own workerd (a child of this process), all of it is `worker`, and devProxy and
 * tooling are absent rather than 0. Miniflare's Node side (its loopback server, which receives
 * the queue's log lines) runs in this process and is counted in `bench`.
 * @param {{ wranglerPid: number, databasePid: number | undefined, port: number, runtime?: "wrangler" | "miniflare" }} pids
 * @returns {{ worker: number, devProxy?: number, tooling?: number, database: number, bench: number }}
 */
export function sampleCpu({ wranglerPid, databasePid, port, runtime = "wrangler" }) {
  const ticks = { worker: 0, devProxy: 0, tooling: 0 };
  for (const p of processTree(wranglerPid)) {
    if (runtime === "miniflare") ticks.worker += p.cpuTicks;
    else if (p.comm !== "workerd") ticks.tooling += p.cpuTicks;
    else if (cmdline(p.pid).includes(`entry=127.0.0.1:${port}`)) ticks.devProxy += p.cpuTicks;
    else ticks.worker += p.cpuTicks;
  }
  const database = databasePid === undefined ? 0 : processTree(databasePid).reduce((s, p) => s + p.cpuTicks, 0);
  const self = process.cpuUsage();
  return {
    worker: ticks.worker / clockTicksPerSecond,
    ...(runtime === "miniflare" ? {} : { devProxy: ticks.devProxy / clockTicksPerSecond, tooling: ticks.tooling / clockTicksPerSecond }),
    database: database / clockTicksPerSecond,
    bench: (self.user + self.system) / 1e6,
  };
}

/** @param {number} pid */
function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** @param {ReturnType<typeof sampleCpu>} before @param {ReturnType<typeof sampleCpu>} after */
export function cpuDelta(before, after) {
  return /** @type {ReturnType<typeof sampleCpu>} */ (Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[/** @type {keyof typeof before} */ (k)] ?? 0)])));
}
