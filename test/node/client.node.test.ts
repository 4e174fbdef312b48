import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** Where two texts part, as a line number and both lines, so the failure says what moved. */
function firstDifference(committed: string, fresh: string): string {
  const a = committed.split("\n");
  const b = fresh.split("\n");
  const at = a.findIndex((line, i) => line !== b[i]);
  const line = at === -1 ? a.length : at;
  return `first difference at line ${line + 1}:\n  committed: ${a[line] ?? "(end of file)"}\n  generated: ${b[line] ?? "(end of file)"}`;
}

describe("the committed typed client", () => {
  it("is what `npm run client:generate` writes from the routes as they are now", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "tidings-client-"));
    try {
      await run(process.execPath, [path.join(root, "scripts/client/generate.mjs"), "--out", out], { cwd: root, timeout: 120_000 });
      const fresh = await readFile(path.join(out, "schema.d.ts"), "utf8");
      const committed = await readFile(path.join(root, "client/schema.d.ts"), "utf8");
      expect(committed === fresh, `client/schema.d.ts is out of date: run \`npm run client:generate\` and commit it (${firstDifference(committed, fresh)})`).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 180_000);
});
