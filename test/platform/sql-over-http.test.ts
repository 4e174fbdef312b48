import { NeonDbError, neon } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { withDb } from "../fixtures/database";
import { testEnv } from "../fixtures/organization";

// Every statement of the suite goes through Tidings' own POST to the SQL endpoint; these pin down
// that it answers as the driver's `neon()` does for the same statement.
const probe = sql`select ${7}::int as n, ${"x"} as t, ${true}::boolean as b, ${null}::text as nothing,
  '{"a":[1,2]}'::jsonb as j, 12345678901234::bigint as big,
  array['a','b,c']::text[] as texts`;

describe("statements over HTTP", () => {
  it("come back with the values the driver's own neon() gives for the same statement", async () => {
    const ours = await withDb((db) => db.execute(probe));
    const { DATABASE_URL } = testEnv();
    const built = new PgDialect().sqlToQuery(probe);
    const theirs = await neon(DATABASE_URL, { fullResults: true }).query(built.sql, built.params);
    expect(ours.rows).toEqual(theirs.rows);
    expect(ours.rows[0]).toMatchObject({ n: 7, t: "x", b: true, nothing: null, j: { a: [1, 2] }, big: "12345678901234", texts: ["a", "b,c"] });
  });

  it("turn a refusal into the driver's NeonDbError with PostgreSQL's code and fields", async () => {
    const refused = await withDb((db) => db.execute(sql`select 1 / ${0}::int`)).catch((e: unknown) => e);
    const cause = refused instanceof Error && refused.cause instanceof Error ? refused.cause : refused;
    expect(cause).toBeInstanceOf(NeonDbError);
    expect((cause as NeonDbError).code).toBe("22012"); // division_by_zero
    expect((cause as NeonDbError).message).toMatch(/division by zero/);
  });

  it("send values the driver encodes itself, such as a Date, through the driver", async () => {
    const at = new Date("2026-12-06T10:00:00.000Z");
    const { rows } = await withDb((db) => db.execute(sql`select ${at}::timestamptz = '2026-12-06T10:00:00Z'::timestamptz as same`));
    expect(rows[0]).toEqual({ same: true });
  });

  it("parse timestamps as drizzle asks, as text, in a typed select", async () => {
    const { db, close } = openDatabase(testEnv());
    try {
      const rows = await db.execute(sql`select now()::timestamptz as at`);
      expect(typeof (rows.rows[0] as { at: unknown }).at).toBe("string");
    } finally {
      await close();
    }
  });
});
