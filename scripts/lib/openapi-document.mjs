// The OpenAPI document as the Worker serves it at /openapi.json, built in Node without starting the
// Worker: esbuild compiles src/app.ts (TypeScript, JSX, .liquid text) into one module beside
// node_modules, so its packages resolve as they do for wrangler, and Node imports it. Building the
// document only registers routes, so the few workerd-only modules (cloudflare:workers, cloudflare:sockets)
// are stubbed and the /docs assets imported with `?raw` are left empty.
import { mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Stand-ins for workerd's built-in modules: enough to define the classes that extend them. */
const CLOUDFLARE_STUB = `
export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
export class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
export const env = {};
export function connect() { throw new Error("cloudflare:sockets is not available outside workerd"); }
`;

/** @type {import("esbuild").Plugin} */
const workerdOnly = {
  name: "tidings-workerd-only",
  setup(b) {
    b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: "cloudflare-stub" }));
    b.onLoad({ filter: /.*/, namespace: "cloudflare-stub" }, () => ({ contents: CLOUDFLARE_STUB, loader: "js" }));
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: args.path, namespace: "raw-stub" }));
    b.onLoad({ filter: /.*/, namespace: "raw-stub" }, () => ({ contents: 'export default "";', loader: "js" }));
    // A package's JSON (swagger-ui-dist/package.json) is bundled: Node would want `with { type: "json" }`.
    b.onResolve({ filter: /^[^./].*\.json$/ }, (args) => ({ path: createRequire(path.join(args.resolveDir, "index.js")).resolve(args.path) }));
  },
};

/**
 * Builds the document with `newApp().getOpenAPI31Document(openApiConfig)`, exactly what `app.doc31`
 * serves. @returns {Promise<Record<string, unknown>>}
 */
export async function buildOpenApiDocument() {
  const outDir = path.join(root, "node_modules", ".cache", "tidings-openapi");
  const outfile = path.join(outDir, `app-${process.pid}-${Date.now()}.mjs`);
  await mkdir(outDir, { recursive: true });
  try {
    await build({
      entryPoints: [path.join(root, "src/app.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      loader: { ".liquid": "text" },
      jsx: "automatic",
      jsxImportSource: "hono/jsx",
      plugins: [workerdOnly],
      logLevel: "error",
    });
    /** @type {{ newApp: () => { getOpenAPI31Document: (config: unknown) => Record<string, unknown> }, openApiConfig: unknown }} */
    const app = await import(pathToFileURL(outfile).href);
    return app.newApp().getOpenAPI31Document(app.openApiConfig);
  } finally {
    await rm(outfile, { force: true });
  }
}
