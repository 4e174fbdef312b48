import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { type RunningService, startService } from "./service";

declare module "vitest" {
  interface ProvidedContext {
    /** Why the browser tests are skipped, or empty when they run. */
    browserSkipReason: string;
    chromiumPath: string;
    serviceUrl: string;
    apiKey: string;
  }
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";

/**
 * Starts the whole service once for every browser test file. Without Chromium the tests skip with
 * a plain message (a dev machine without it); with TIDINGS_REQUIRE_BROWSER=1 (CI) that is an error.
 */
export default async function setup(project: TestProject) {
  let service: RunningService | undefined;
  let skip = "";
  if (!existsSync(CHROMIUM_PATH)) {
    skip = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH)`;
    if (process.env.TIDINGS_REQUIRE_BROWSER === "1") throw new Error(`[browser] ${skip}`);
    console.warn(`[browser] SKIPPING the browser tests: ${skip}.`);
  } else {
    service = await startService();
    console.log(`[browser] service at ${service.url} (wrangler log: ${service.logFile})`);
  }
  project.provide("browserSkipReason", skip);
  project.provide("chromiumPath", CHROMIUM_PATH);
  project.provide("serviceUrl", service?.url ?? "");
  project.provide("apiKey", service?.apiKey ?? "");
  return async () => {
    await service?.stop();
  };
}
