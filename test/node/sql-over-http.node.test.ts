import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.mjs";
import { createScratchDatabase, dropDatabase } from "../../scripts/lib/migrate.mjs";
import { startWsBridge } from "../../scripts/lib/ws-bridge.mjs";

/**
 * The local stand-in for Neon's SQL-over-HTTP endpoint (scripts/lib/sql-over-http.mjs), driven by
 * the real Neon driver as the Worker drives it: `neon()` and `Pool.query` with poolQueryViaFetch.
 * What the driver gets back must be what it gets from Neon: typed values, errors with their
 * SQLSTATE, batches as one transaction.
 */
const database = { url: "", stop: async () => {} };
let bridge: Awaited<ReturnType<typeof startWsBridge>>;

beforeAll(async () => {
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const url = await createScratchDatabase(server, "tidings_sql_http");
    Object.assign(database, { url, stop: () => dropDatabase(server, url) });
  } else {
    const embedded = await startEmbeddedPostgres();
    Object.assign(database, { url: embedded.url, stop: embedded.stop });
  }
  const target = new URL(database.url);
  bridge = await startWsBridge({ sql: { host: target.hostname, port: Number(target.port || 5432) } });
  neonConfig.fetchEndpoint = `http://127.0.0.1:${bridge.port}/sql`;
}, 60_000);

afterAll(async () => {
  await bridge?.stop();
  await database.stop();
});

describe("the local SQL-over-HTTP endpoint", () => {
  it("answers a statement with its parameters bound, and the driver reads typed values from it", async () => {
    const sql = neon(database.url);
    const [row] = await sql.query("SELECT $1::int AS n, $2::timestamptz AS at, $3::jsonb AS doc, ARRAY['a,b', 'c\"d']::text[] AS list, NULL::text AS nothing, $4::text AS words", [
      42,
      "2026-12-06T10:00:00Z",
      JSON.stringify({ nested: [1, "two"] }),
      "it's, here",
    ]);
    expect(row).toEqual({ n: 42, at: new Date("2026-12-06T10:00:00Z"), doc: { nested: [1, "two"] }, list: ["a,b", 'c"d'], nothing: null, words: "it's, here" });
  });

  it("answers Pool.query over HTTP when poolQueryViaFetch is on, with rowCount as PostgreSQL reports it", async () => {
    neonConfig.poolQueryViaFetch = true;
    const pool = new Pool({ connectionString: database.url });
    try {
      await pool.query("CREATE TABLE IF NOT EXISTS http_rows (id int PRIMARY KEY)");
      const inserted = await pool.query("INSERT INTO http_rows SELECT generate_series(1, $1::int) ON CONFLICT DO NOTHING", [3]);
      expect(inserted.rowCount).toBe(3);
      const counted = await pool.query({ text: "SELECT count(*)::int AS n FROM http_rows", rowMode: "array" });
      expect(counted.rows).toEqual([[3]]);
    } finally {
      neonConfig.poolQueryViaFetch = false;
      await pool.end();
    }
  });

  it("refuses a failing statement with the PostgreSQL error's SQLSTATE and constraint, as Neon does", async () => {
    const sql = neon(database.url);
    await sql.query("CREATE TABLE IF NOT EXISTS http_unique (email text CONSTRAINT http_unique_email UNIQUE)");
    await sql.query("INSERT INTO http_unique VALUES ('ada@example.test') ON CONFLICT DO NOTHING");
    const refused = await sql.query("INSERT INTO http_unique VALUES ('ada@example.test')").catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "23505", constraint: "http_unique_email" });
  });

  it("runs a batch as one transaction: a statement that fails undoes the ones before it", async () => {
    const sql = neon(database.url);
    await sql.query("CREATE TABLE IF NOT EXISTS http_batch (n int NOT NULL)");
    const failed = await sql.transaction([sql.query("INSERT INTO http_batch VALUES (1)"), sql.query("INSERT INTO http_batch VALUES (NULL)")]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "23502" });
    const [row] = await sql.query("SELECT count(*)::int AS n FROM http_batch");
    expect(row).toEqual({ n: 0 });
  });

  it("refuses a request that names no database with a 400 and changes nothing", async () => {
    const res = await fetch(`http://127.0.0.1:${bridge.port}/sql`, { method: "POST", body: JSON.stringify({ query: "SELECT 1", params: [] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "Neon-Connection-String is missing" });
  });
});

describe("the bridge's round-trip count, for the bench's profile against a server", () => {
  it("counts each /sql request as one round trip and each query on a WebSocket tunnel as one", async () => {
    const { WebSocket } = await import("ws");
    const stats = { connections: 0, roundTrips: 0 };
    const target = new URL(database.url);
    const counting = await startWsBridge({ sql: { host: target.hostname, port: Number(target.port || 5432) }, stats });
    const saved = {
      fetchEndpoint: neonConfig.fetchEndpoint,
      wsProxy: neonConfig.wsProxy,
      webSocketConstructor: neonConfig.webSocketConstructor,
      useSecureWebSocket: neonConfig.useSecureWebSocket,
      pipelineConnect: neonConfig.pipelineConnect,
    };
    try {
      neonConfig.fetchEndpoint = `http://127.0.0.1:${counting.port}/sql`;
      const sql = neon(database.url);
      await sql.query("SELECT 1");
      await sql.query("SELECT $1::int", [2]);
      expect(stats).toEqual({ connections: 0, roundTrips: 2 });

      Object.assign(neonConfig, {
        wsProxy: (host: string, port: number | string) => `127.0.0.1:${counting.port}/v2?address=${host}:${port}`,
        webSocketConstructor: WebSocket,
        useSecureWebSocket: false,
        pipelineConnect: false,
      });
      const pool = new Pool({ connectionString: database.url, ssl: false });
      const client = await pool.connect();
      try {
        const before = stats.roundTrips;
        await client.query("SELECT 1");
        await client.query("SELECT $1::int", [2]);
        await client.query("SELECT repeat('x', 100000)");
        expect(stats.roundTrips - before).toBe(3);
        expect(stats.connections).toBe(1);
      } finally {
        client.release();
        await pool.end();
      }
    } finally {
      Object.assign(neonConfig, saved);
      await counting.stop();
    }
  });
});
