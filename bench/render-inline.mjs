#!/usr/bin/env node
// Per-email cost of the two CSS-inlining strategies for the demo comment template with branding:
//   per-version  the layouts and template are merged and inlined once, each email only renders liquid;
//   per-email    each email renders liquid, then juice parses and inlines the whole document.
// Bundles src/render with esbuild (the Worker's own bundler) and runs it in Node: same V8 as workerd.
// Usage: node bench/render-inline.mjs [emails per strategy, default 2000]
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const count = Number(process.argv[2] ?? 2000);

const bundle = await build({
  entryPoints: [path.join(root, "src/render/index.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  write: false,
  loader: { ".liquid": "text" },
  logLevel: "error",
});
const dir = await mkdtemp(path.join(os.tmpdir(), "tidings-render-"));
await writeFile(path.join(dir, "render.cjs"), bundle.outputFiles[0].text);
const render = createRequire(import.meta.url)(path.join(dir, "render.cjs"));
await rm(dir, { recursive: true });

const source = await readFile(path.join(root, "templates/demo/comment.created.liquid"), "utf8");
const [, front = "", html = ""] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
const subject = /subject:\s*"(.*)"/.exec(front)?.[1] ?? "";
const branding = { values: { name: "Demo Co", primaryColor: "#0f766e", postalAddress: "1 Main St, Springfield", customCss: ".card h1 { letter-spacing: -0.01em; }" } };

/** @typedef {"per-version" | "per-email"} Strategy */
/** @param {Strategy} strategy @param {number} i @param {string} [id] */
const input = (strategy, i, id = `bench-${strategy}`) => ({
  base: render.SYSTEM_BASE_LAYOUT,
  branding,
  template: { id, version: 1, subject, html },
  recipient: { email: `r${i}@example.test`, name: `Reader ${i}`, locale: "en-GB", timezone: "Europe/London" },
  data: { author: "Grace", task: `Task ${i}`, comment: `Comment <b>${i}</b> & more`, url: `https://app.test/t/${i}` },
  links: { unsubscribeUrl: `https://tidings.test/u/${i}`, preferencesUrl: `https://tidings.test/p/${i}` },
  inlining: strategy === "per-version" ? "auto" : "per-email",
});

/** @param {Strategy} strategy @param {number} i @param {string} [id] */
async function once(strategy, i, id) {
  const started = performance.now();
  const result = await render.renderNotification(input(strategy, i, id));
  const ms = performance.now() - started;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { ms, mode: result.value.inlining, html: result.value.html };
}

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
/** @type {Record<Strategy, { first: number, samples: number[] }>} */
const figures = { "per-version": { first: 0, samples: [] }, "per-email": { first: 0, samples: [] } };
/** @type {Strategy[]} */
const STRATEGIES = ["per-version", "per-email"];
// JIT warm-up on other template ids, so the first-email figure is the compile, not a cold start.
for (let i = 0; i < 300; i++) for (const strategy of STRATEGIES) await once(strategy, i, `warm-${i % 3}`);
for (const strategy of STRATEGIES) {
  const first = await once(strategy, -1);
  if (first.mode !== strategy) throw new Error(`expected ${strategy}, rendered ${first.mode}`);
  figures[strategy] = { first: first.ms, samples: [] };
}
// Interleaved rounds, so drift in machine load lands on both strategies alike.
for (let i = 0; i < count; i++) {
  for (const strategy of STRATEGIES) figures[strategy].samples.push((await once(strategy, i)).ms);
}
const same = (await once("per-version", 7)).html === (await once("per-email", 7)).html;

console.log(`CSS inlining, ${count} emails each, demo comment template + default branding (Node ${process.version})`);
console.log("strategy      first email (compile) ms   median ms   p99 ms   mean ms");
for (const [strategy, { first, samples }] of Object.entries(figures)) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(
    `${strategy.padEnd(13)} ${first.toFixed(2).padStart(24)} ${quantile(sorted, 0.5).toFixed(3).padStart(11)} ${quantile(sorted, 0.99).toFixed(3).padStart(8)} ${mean.toFixed(3).padStart(9)}`,
  );
}
const ratio =
  quantile(
    [...figures["per-email"].samples].sort((a, b) => a - b),
    0.5,
  ) /
  quantile(
    [...figures["per-version"].samples].sort((a, b) => a - b),
    0.5,
  );
console.log(`per-email / per-version median: ${ratio.toFixed(1)}x; identical HTML from both: ${same}`);
