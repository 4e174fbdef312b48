import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startLocalStack } from "../../scripts/lib/local-stack.mjs";
import { brandDemo } from "./brand-demo.mjs";

export type RunningService = { url: string; apiKey: string; logFile: string; stop: () => Promise<void> };

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The service as `npm run dev` runs it (scripts/lib/local-stack.mjs), on free ports: a scratch
 * database on TEST_DATABASE_URL's server (else the embedded PGlite), the demo organisation with
 * its branding, the preference cache when Redis answers, and the capture provider with throw-away
 * signing keys.
 */
export async function startService(): Promise<RunningService> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tidings-browser-"));
  await mkdir(path.join(root, "test-output"), { recursive: true });
  const logFile = path.join(root, "test-output", "browser-wrangler.log");
  const server = process.env.TEST_DATABASE_URL;
  try {
    const stack = await startLocalStack({
      root,
      database: server ? { server } : {},
      vars: {
        EMAIL_PROVIDERS: "capture",
        SECRETS_KEY: randomBytes(32).toString("base64"),
        TOKEN_SIGNING_KEYS: `b1:${randomBytes(32).toString("base64url")}`,
        // Every test signs in and opens pages from 127.0.0.1, so the per-address limits meant for
        // guessing attacks (10 sign-ins, 60 page views a minute) would refuse the suite itself.
        RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
        RATE_LIMIT_PAGES_PER_MINUTE: "100000",
      },
      redis: true,
      seed: brandDemo,
      persistTo: path.join(dir, "state"),
      output: { file: logFile },
    });
    return {
      url: stack.url,
      apiKey: stack.apiKey,
      logFile,
      stop: async () => {
        await stack.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
