import { defineConfig } from "vitest/config";

/**
 * Browser tests: plain Node (Chromium is driven by playwright-core from here, not from workerd),
 * against the service started by their global setup. `npm test` runs them after the workerd suite.
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.test.ts"],
    environment: "node",
    globalSetup: ["./test/browser/global-setup.ts"],
    // One service for all files, and a file's steps build on each other: no parallelism needed.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
