import { defineConfig } from "vitest/config";

/**
 * Plain Node tests for the tooling around the service (the bench's accounting), which runs in
 * Node rather than workerd. `npm test` runs them between the workerd suite and the browser tests.
 */
export default defineConfig({
  test: {
    include: ["test/node/**/*.node.test.ts"],
    environment: "node",
  },
});
