import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCrons } from "../../scripts/lib/local-stack.mjs";
import { SCHEDULED_JOBS } from "../../src/schedules";

const wranglerToml = path.resolve(import.meta.dirname, "../../wrangler.toml");

async function withToml<T>(toml: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tidings-crons-"));
  try {
    const file = path.join(dir, "wrangler.toml");
    await writeFile(file, toml);
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("cron triggers", () => {
  it("give every schedule in wrangler.toml a job in the Worker, and no job a schedule wrangler.toml lacks", async () => {
    const crons = (await readCrons(wranglerToml)).map((c) => c.cron).sort();
    expect(crons.length).toBeGreaterThan(0);
    expect(Object.keys(SCHEDULED_JOBS).sort()).toEqual(crons);
  });

  it("are driven locally at the period their schedule gives them", async () => {
    const crons = await withToml('[triggers]\ncrons = ["* * * * *", "*/15 * * * *"]\n', readCrons);
    expect(crons).toEqual([
      { cron: "* * * * *", everyMs: 60_000 },
      { cron: "*/15 * * * *", everyMs: 900_000 },
    ]);
  });

  it("refuses a schedule the local driver cannot keep rather than firing it at the wrong rate", async () => {
    await expect(withToml('[triggers]\ncrons = ["0 9 * * MON"]\n', readCrons)).rejects.toThrow(/not one the local stack can drive/);
  });
});
