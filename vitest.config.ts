import { readFile } from "node:fs/promises";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig, type Plugin } from "vitest/config";
import { TEST_SECRETS_KEY, TEST_SENDGRID_API_KEY } from "./test/setup/constants";

/** Vite twin of wrangler's `Text` rule: a `.liquid` import is the file's text. */
const liquidAsText = (): Plugin => ({
  name: "tidings-liquid-as-text",
  enforce: "pre",
  async load(id) {
    if (!id.endsWith(".liquid")) return null;
    return `export default ${JSON.stringify(await readFile(id, "utf8"))};`;
  },
});

export default defineConfig({
  plugins: [
    liquidAsText(),
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          DATABASE_WS_PROXY: `127.0.0.1:${inject("bridgePort")}`,
          EMAIL_PROVIDER: "sendgrid",
          SENDGRID_BASE_URL: inject("sendgridUrl"),
          SENDGRID_API_KEY: TEST_SENDGRID_API_KEY,
          DEV_MODE: "true",
          PUBLIC_BASE_URL: "https://tidings.test",
          // Retries in tests wait one second, not half a minute; the backoff shape is unit-tested.
          RETRY_BASE_SECONDS: "1",
          // The environment's shared circuit must not open because one test injected failures;
          // circuit tests use organisations with their own provider configs (their own circuits).
          CIRCUIT_FAILURE_THRESHOLD: "1000",
          SECRETS_KEY: TEST_SECRETS_KEY,
        },
      },
    })),
  ],
  test: {
    // juice and sanitize-html are CommonJS that require() ESM-shaped deps (entities, nanoid via postcss);
    // pre-bundling them is what makes them load inside workerd under vitest. wrangler's esbuild needs nothing.
    deps: { optimizer: { ssr: { enabled: true, include: ["juice", "juice/client", "sanitize-html"] } } },
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
