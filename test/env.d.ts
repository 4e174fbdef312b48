import type { RawEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    /** The bindings the tests get from `cloudflare:test`, as wrangler.toml and vitest.config.ts give them. */
    interface Env extends RawEnv {}
  }
}
