#!/usr/bin/env node
// The layout's rules, checked on every `npm run lint`:
//   1. no import cycle among src/ modules (type-only imports are erased at build time and may
//      close a loop, e.g. env.ts naming a Durable Object's class; every other import may not);
//   2. no module below the HTTP layer imports a route: only app.ts and a stage's own routes
//      import from a `routes` folder, and never another stage's;
//   3. platform/ imports no stage at run time (it is the floor the stages stand on).
// It reads import specifiers as text, which is all the rules need; no dependency required.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const src = path.join(root, "src");

/** @param {string} dir @returns {string[]} */
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });

const files = walk(src);
const known = new Set(files);
/** @param {string} from @param {string} spec */
const resolve = (from, spec) => {
  const base = path.resolve(path.dirname(from), spec);
  return [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")].find((f) => known.has(f));
};
const rel = (/** @type {string} */ f) => path.relative(src, f);
/** The stage a module belongs to: its first folder under src/, or "" for the wiring beside index.ts. */
const stageOf = (/** @type {string} */ f) => (rel(f).includes(path.sep) ? rel(f).split(path.sep)[0] : "");
const isRoute = (/** @type {string} */ f) => rel(f).split(path.sep).includes("routes");

/** @type {Map<string, { runtime: string[], all: string[] }>} */
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const edges = { runtime: /** @type {string[]} */ ([]), all: /** @type {string[]} */ ([]) };
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+["'](\.{1,2}\/[^"']+)["']/gm)) {
    const target = resolve(file, m[3] ?? "");
    if (!target) continue;
    edges.all.push(target);
    // `import { type A, type B }` is erased as a whole, like `import type`.
    const names = /\{([^}]*)\}/.exec(m[0])?.[1];
    const onlyTypes =
      Boolean(m[2]) ||
      (names !== undefined &&
        !/\*/.test(m[0]) &&
        names.split(",").every((n) => !n.trim() || n.trim().startsWith("type ")) &&
        !/^\s*\w+\s*,/.test(m[0].replace(/^\s*(import|export)\s+/, "")));
    if (!onlyTypes) edges.runtime.push(target);
  }
  graph.set(file, edges);
}

const problems = [];
for (const [file, { all, runtime }] of graph) {
  for (const target of all) {
    if (isRoute(target) && rel(file) !== "app.ts" && !(isRoute(file) && stageOf(file) === stageOf(target))) {
      problems.push(`${rel(file)} imports the route module ${rel(target)}`);
    }
  }
  if (stageOf(file) === "platform") {
    for (const target of runtime) if (stageOf(target) !== "platform") problems.push(`${rel(file)} (platform) imports ${rel(target)} at run time`);
  }
}

/** @param {"runtime" | "all"} kind */
function cycles(kind) {
  /** @type {string[]} */
  const found = [];
  const state = new Map();
  /** @type {string[]} */
  const stack = [];
  const visit = (/** @type {string} */ f) => {
    state.set(f, "open");
    stack.push(f);
    for (const t of graph.get(f)?.[kind] ?? []) {
      if (state.get(t) === "open") found.push([...stack.slice(stack.indexOf(t)), t].map(rel).join(" → "));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}
for (const cycle of cycles("runtime")) problems.push(`import cycle: ${cycle}`);
const typeLoops = cycles("all");
const typeCycles = typeLoops.length;
if (process.argv.includes("--verbose")) for (const loop of typeLoops) console.log(`type-only loop: ${loop}`);

if (problems.length > 0) {
  console.error(`layout: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`layout: ${files.length} modules, no run-time import cycle, no route imported below HTTP (${typeCycles} loop(s) through type-only imports)`);
