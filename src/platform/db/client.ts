import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { log } from "../log";
import { queryOverHttp } from "./http-queries";

/**
 * Without a schema: Tidings writes its queries with the query builder and never uses drizzle's
 * relational `db.query`, whose table map drizzle would otherwise rebuild on every `drizzle()` call,
 * that is on every request (half a millisecond of CPU, refused requests included).
 */
export type Database = ReturnType<typeof drizzle>;
export type DatabaseHandle = { db: Database; close: () => Promise<void> };

/**
 * A Pool per request or queue batch: Workers cannot share I/O objects across requests, so a
 * module-level pool would break on the second request. `close()` belongs in `waitUntil`.
 */
export function openDatabase(config: { DATABASE_URL: string; DATABASE_WS_PROXY?: string | undefined; DATABASE_HTTP_QUERIES?: boolean }): DatabaseHandle {
  if (config.DATABASE_WS_PROXY) {
    const proxy = config.DATABASE_WS_PROXY;
    neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    neonConfig.fetchEndpoint = `http://${proxy}/sql`;
  }
  // `pool.query` (every statement drizzle runs outside a transaction) as one HTTP round trip to
  // Neon's SQL endpoint, answered from Neon's own pooled connections: no WebSocket, no connection
  // start-up and authentication per request in the Worker. `db.transaction` checks a client out of
  // the pool, which still connects over a WebSocket, so interactive transactions are unchanged.
  // Measured with `npm run bench` (README, Performance).
  const overHttp = config.DATABASE_HTTP_QUERIES ?? true;
  neonConfig.poolQueryViaFetch = overHttp;
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 4 });
  if (overHttp) queryOverHttp(pool, config.DATABASE_URL);
  let closed = false;
  // The driver reports "Network connection lost" after end(): expected then, and unobserved it would
  // count as an unhandled error. Before end() an error is worth a log line.
  pool.on("error", (e: Error) => {
    if (!closed) log.warn("database pool error", { error: e.message });
  });
  const db = drizzle(pool);
  return {
    db,
    close: () => {
      closed = true;
      return pool.end().catch(() => undefined);
    },
  };
}
