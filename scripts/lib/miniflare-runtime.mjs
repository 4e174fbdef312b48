import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { listProcesses } from "./process-tree.mjs";

/**
 * The same Worker as `wrangler dev` runs, on Miniflare's API directly (the bench's
 * `--runtime miniflare`): no dev proxy workerd in front of it, no InspectorProxyWorker relaying
 * DevTools events (wrangler's enables the Network domain, so every subrequest costs events), no
 * live reload, no wrangler Node process. Each config is bundled by wrangler itself
 * (`wrangler deploy --dry-run`, with NODE_ENV=development as `wrangler dev` bundles), and its
 * bindings come from `unstable_getMiniflareWorkerOptions`. What this leaves out is only the dev
 * harness; the bundle is the one `wrangler deploy` would upload, minus nothing.
 *
 * Same shape as startWrangler (wrangler-dev.mjs), plus `scheduled(cron)`. workerd is a child of
 * this process; `pid` is its pid once ready. Miniflare's own log (queue batches) and the
 * Worker's console output go to `logFile` and `onLine` as wrangler's would: errors as
 * "✘ [ERROR] …", queue batches as "QUEUE <name> <acked>/<total> (<ms>ms)".
 * @param {{ root: string, configs: string[], port: number, inspectorPort?: number, persistTo?: string,
 *   vars: Record<string, string>, logFile?: string, onLine?: (line: string) => void, echo?: boolean }} options
 *   inspectorPort: only when given is the inspector open (for --cpu-profile); its worker path is the Worker's name
 */
export function startMiniflare({ root, configs, port, inspectorPort, persistTo, vars, logFile, onLine, echo = false }) {
  const log = logFile ? createWriteStream(logFile) : undefined;
  /** @type {string[]} */
  const tail = [];
  /** @param {string} text */
  const emit = (text) => {
    for (const line of text.split("\n")) {
      log?.write(`${line}\n`);
      if (echo) console.log(line);
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onLine?.(line);
    }
  };
  /** @type {import("miniflare").Miniflare | undefined} */
  let mf;
  /** @type {string | undefined} */
  let bundleDir;
  let workerdPid = 0;
  let workerName = "";
  /** @type {(code: number | null) => void} */
  let exited = () => {};
  /** @type {Promise<number | null>} resolves when stopped */
  const exit = new Promise((resolve) => {
    exited = resolve;
  });

  /** Bundles, starts Miniflare and waits for /health, bounded by `timeoutMs`. @param {number} timeoutMs */
  async function ready(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    // Loaded here, not with the module: `npm run dev` and the tests import the local stack too.
    const { Log, LogLevel, Miniflare } = await import("miniflare");
    const { unstable_getMiniflareWorkerOptions, unstable_readConfig } = await import("wrangler");
    class LineLog extends Log {
      /** @param {string} message */
      log(message) {
        emit(message);
      }
      /** @param {import("miniflare").LogLevel} level @param {string} message */
      logWithLevel(level, message) {
        if (level > this.level) return;
        emit(level === LogLevel.ERROR ? `✘ [ERROR] ${message}` : level === LogLevel.WARN ? `▲ [WARNING] ${message}` : message);
      }
    }
    bundleDir = await mkdtemp(path.join(os.tmpdir(), "tidings-miniflare-"));
    const workers = [];
    for (const [i, config] of configs.entries()) {
      const outdir = path.join(bundleDir, String(i));
      await bundle(root, config, outdir, emit);
      const { name, main = "index.js" } = unstable_readConfig({ config, env: "" });
      const { workerOptions } = unstable_getMiniflareWorkerOptions(config, "");
      const { modulesRules, ...bindingOptions } = workerOptions;
      workers.push({
        ...bindingOptions,
        name,
        modulesRoot: outdir,
        modules: await modulesOf(outdir, `${path.parse(main).name}.js`, modulesRules ?? []),
        // --var applies to the primary Worker, as with `wrangler dev -c a -c b --var …`.
        bindings: { ...bindingOptions.bindings, ...(i === 0 ? vars : {}) },
        ...(i === 0 && inspectorPort ? { unsafeInspectorProxy: true } : {}),
      });
    }
    workerName = workers[0]?.name ?? "";
    const before = new Set(childWorkerds());
    mf = new Miniflare({
      host: "127.0.0.1",
      port,
      ...(inspectorPort ? { inspectorPort, inspectorHost: "127.0.0.1" } : {}),
      // Offline: no fetch of workers.cloudflare.com/cf.json; request.cf gets Miniflare's placeholder.
      cf: false,
      liveReload: false,
      logRequests: false,
      log: new LineLog(LogLevel.INFO, { prefix: "" }),
      handleStructuredLogs: (/** @type {{ level: string, message: string }} */ { level, message }) =>
        emit(level === "error" ? `✘ [ERROR] ${message}` : level === "warn" ? `▲ [WARNING] ${message}` : message),
      ...(persistTo ? { defaultPersistRoot: persistTo } : {}),
      workers: /** @type {any} */ (workers),
    });
    await mf.ready;
    workerdPid = childWorkerds().find((pid) => !before.has(pid)) ?? 0;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`miniflare not ready after ${timeoutMs / 1000} s:\n${tail.join("\n")}`);
  }

  /** Runs the primary Worker's scheduled handler for `cron`, as Cloudflare's cron trigger would. @param {string} cron */
  async function scheduled(cron) {
    if (!mf) return;
    const worker = await mf.getWorker();
    await worker.scheduled({ cron, scheduledTime: new Date() });
  }

  async function stop() {
    await mf?.dispose().catch((e) => emit(`✘ [ERROR] miniflare dispose: ${e}`));
    mf = undefined;
    exited(0);
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    if (log) await new Promise((resolve) => log.end(resolve));
  }

  return {
    /** workerd's pid, once ready */
    get pid() {
      return workerdPid;
    },
    get workerName() {
      return workerName;
    },
    url: `http://127.0.0.1:${port}`,
    ready,
    stop,
    tail,
    exit,
    scheduled,
  };
}

/**
 * `wrangler deploy --dry-run --outdir`: the Worker exactly as it would be uploaded, bundled with
 * NODE_ENV=development as `wrangler dev` does (wrangler defines process.env.NODE_ENV from it).
 * @param {string} root @param {string} config @param {string} outdir @param {(line: string) => void} emit
 */
async function bundle(root, config, outdir, emit) {
  const args = [path.join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir, "-c", config, "--env="];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "development", WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  /** @type {string[]} */
  const output = [];
  child.stdout.on("data", (d) => output.push(String(d)));
  child.stderr.on("data", (d) => output.push(String(d)));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`wrangler deploy --dry-run -c ${config} exited with ${code}:\n${output.join("")}`);
  emit(`[miniflare runtime] bundled ${config} into ${outdir}`);
}

/**
 * The bundle's modules for Miniflare: the entry (named after the config's main, e.g. index.js), and each file wrangler attached beside it under a
 * module rule (its name is "<hash>-<file name>", e.g. a .liquid template). The rule's type is not
 * recorded in the output, so it is told by extension; a config with rules this cannot tell apart
 * (ESModule or CommonJS rules, whose files also end in .js) is refused rather than guessed.
 * @param {string} outdir @param {string} entry @param {{ type: string }[]} rules
 */
async function modulesOf(outdir, entry, rules) {
  const unsupported = rules.filter((r) => !["Text", "Data", "CompiledWasm"].includes(r.type));
  if (unsupported.length) throw new Error(`--runtime miniflare: module rules of type ${unsupported.map((r) => r.type).join(", ")} are not supported`);
  const files = (await readdir(outdir)).filter((f) => f !== entry && f !== "README.md" && !f.endsWith(".map"));
  return [
    { type: /** @type {const} */ ("ESModule"), path: path.join(outdir, entry) },
    ...files.map((f) => ({
      type: /** @type {"CompiledWasm" | "Data" | "Text"} */ (f.endsWith(".wasm") ? "CompiledWasm" : f.endsWith(".bin") ? "Data" : "Text"),
      path: path.join(outdir, f),
    })),
  ];
}

/** workerd processes whose parent is this process. */
function childWorkerds() {
  return listProcesses()
    .filter((p) => p.ppid === process.pid && p.comm === "workerd")
    .map((p) => p.pid);
}
