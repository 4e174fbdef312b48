import { writeFile } from "node:fs/promises";
import WebSocket from "ws";

/**
 * Samples the Worker's CPU through the DevTools protocol that `wrangler dev` serves on its
 * inspector port (`--cpu-profile`). The result is a .cpuprofile that Chrome DevTools opens, and a
 * summary of self time by source module: wrangler's bundle is not minified and marks where each
 * module starts with a `// node_modules/<pkg>/…` or `// src/…` comment, so each sampled line maps
 * back to the package it came from.
 * @param {number} inspectorPort
 * @param {string} [wsPath]  the Worker's DevTools endpoint: /ws under `wrangler dev`, /<worker name> under Miniflare's own inspector proxy
 */
export async function openCpuProfiler(inspectorPort, wsPath = "/ws") {
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}${wsPath}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  /** @type {Map<number, (v: any) => void>} */
  const pending = new Map();
  /** @type {Map<string, string>} scriptId → url */
  const scripts = new Map();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)?.(m.result ?? m);
      pending.delete(m.id);
    } else if (m.method === "Debugger.scriptParsed") scripts.set(m.params.scriptId, m.params.url);
  });
  /** @param {string} method @param {object} [params] @returns {Promise<any>} */
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer from the inspector`)), 120_000);
      pending.set(id, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Debugger.enable");
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 500 });

  const start = () => call("Profiler.start");
  /** Stops sampling, writes `file`, returns the summary. @param {string} file */
  async function stop(file) {
    const { profile } = await call("Profiler.stop");
    await writeFile(file, JSON.stringify(profile));
    /** @type {Map<string, string[]>} scriptId → the module each line belongs to */
    const lineModules = new Map();
    for (const scriptId of new Set(profile.nodes.map((/** @type {any} */ n) => n.callFrame.scriptId))) {
      const url = scripts.get(scriptId) ?? "";
      if (!url || lineModules.has(scriptId)) continue;
      const { scriptSource = "" } = await call("Debugger.getScriptSource", { scriptId }).catch(() => ({}));
      let current = "(bundle prelude)";
      lineModules.set(
        scriptId,
        scriptSource.split("\n").map((/** @type {string} */ line) => {
          const marker = /^\/\/ (\S+\.(?:[cm]?js|ts|liquid))$/.exec(line.trim());
          if (marker) current = moduleOf(marker[1]);
          return current;
        }),
      );
    }
    return summarize(profile, lineModules);
  }
  // One connection for every profile: wrangler's inspector proxy did not answer a second one.
  return { start, stop, close: () => ws.close() };
}

/** "node_modules/.pnpm/x/node_modules/@scope/pkg/dist/a.js" → "@scope/pkg"; "src/a/b.ts" → "src/a". @param {string} path */
function moduleOf(path) {
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = path.slice(nm + "node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  return path.split("/").slice(0, 2).join("/");
}

/**
 * Share of samples by module and by function (self time), idle excluded. Samples are counted,
 * not weighted by their time deltas: the sampler is wall-clock, and on a loaded machine one delta
 * can span 100 ms of the thread waiting to be scheduled. Absolute CPU comes from /proc instead.
 * @param {any} profile @param {Map<string, string[]>} lineModules
 */
function summarize(profile, lineModules) {
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const byModule = new Map();
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  let total = 0;
  for (const id of profile.samples) {
    const frame = nodes.get(id)?.callFrame;
    // Idle is the isolate waiting for I/O: not CPU time.
    if (!frame || frame.functionName === "(idle)") continue;
    total++;
    const special = frame.functionName.startsWith("(") ? frame.functionName : undefined;
    const module = special ?? lineModules.get(frame.scriptId)?.[frame.lineNumber] ?? (frame.url ? "(bundle prelude)" : "(native)");
    byModule.set(module, (byModule.get(module) ?? 0) + 1);
    const fn = `${frame.functionName || "(anonymous)"} ${special ? "" : `[${module}]`}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
  }
  const top = (/** @type {Map<string, number>} */ m, /** @type {number} */ n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, count]) => ({ name, percent: Math.round((count * 1000) / total) / 10 }));
  return { samples: total, byModule: top(byModule, 15), byFunction: top(byFunction, 20) };
}
