import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { killProcessTree } from "./process-tree.mjs";

/**
 * `wrangler dev` in its own process group (so stopping it also stops workerd). Its output is
 * written to `logFile` and handed line by line to `onLine`; with `echo` it is printed as well
 * (`npm run dev`). `persistTo` keeps local queues and Durable Objects there (default: .wrangler).
 * @param {{ root: string, configs: string[], port: number, inspectorPort: number, persistTo?: string,
 *   vars: Record<string, string>, logFile?: string, onLine?: (line: string) => void, echo?: boolean }} options
 */
export function startWrangler({ root, configs, port, inspectorPort, persistTo, vars, logFile, onLine, echo = false }) {
  const args = [path.join(root, "node_modules/wrangler/bin/wrangler.js"), "dev"];
  for (const c of configs) args.push("-c", c);
  args.push("--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort));
  if (persistTo) args.push("--persist-to", persistTo);
  args.push("--test-scheduled", "--show-interactive-dev-session=false");
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const log = logFile ? createWriteStream(logFile) : undefined;
  /** @type {string[]} */
  const tail = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      log?.write(`${line}\n`);
      if (echo) console.log(line);
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onLine?.(line);
    });
  }
  let exited = false;
  /** @type {Promise<number | null>} resolves with the exit code when wrangler stops */
  const exit = new Promise((resolve) =>
    child.on("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );

  /** Polls /health until it answers 200, bounded by `timeoutMs`. @param {number} timeoutMs */
  async function ready(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`wrangler dev exited during start-up:\n${tail.join("\n")}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`wrangler dev not ready after ${timeoutMs / 1000} s:\n${tail.join("\n")}`);
  }

  async function stop() {
    if (child.pid) await killProcessTree(child.pid, { graceMs: 5000 });
    if (log) await new Promise((resolve) => log.end(resolve));
  }

  return { pid: /** @type {number} */ (child.pid), url: `http://127.0.0.1:${port}`, ready, stop, tail, exit };
}
