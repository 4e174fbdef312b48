import { neon, type Pool } from "@neondatabase/serverless";

type QueryFunction = ReturnType<typeof neon<boolean, true>>;
type QueryConfig = { text: string; values?: unknown[]; rowMode?: string; types?: unknown };
type QueryWithOptions = (text: string, params: unknown[], options: { types?: unknown }) => Promise<unknown>;

/**
 * The Neon driver's own `Pool.query` over HTTP (`poolQueryViaFetch`) rebuilds its connection
 * parameters from the pool's options, formats a connection string and makes a new `neon()` query
 * function for every statement: URL and pg-connection-string parsing were ~4 % of the Worker's
 * CPU in the bench's profile. The query function holds no I/O object (each call is one `fetch`),
 * so one per connection string and row mode can serve every request of the isolate.
 */
const queryFunctions = new Map<string, QueryFunction>();

/** The connection string as the driver sends it to the SQL endpoint: no port, "undefined" for no password. */
function httpConnectionString(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password) || undefined;
  const u = encodeURIComponent;
  return `postgresql://${u(decodeURIComponent(url.username))}:${u(String(password))}@${u(url.hostname)}/${encodeURI(decodeURIComponent(url.pathname.slice(1)))}`;
}

function queryFunction(databaseUrl: string, arrayMode: boolean): QueryFunction {
  const key = `${arrayMode ? "a" : "o"}${databaseUrl}`;
  let fn = queryFunctions.get(key);
  if (!fn) {
    fn = neon(httpConnectionString(databaseUrl), { fullResults: true, arrayMode });
    if (queryFunctions.size > 16) queryFunctions.clear();
    queryFunctions.set(key, fn);
  }
  return fn;
}

/**
 * Makes `pool.query(config, values)` — the only form drizzle uses outside a transaction — go over
 * HTTP through a cached query function, exactly as the driver's own HTTP path would send it.
 * Callbacks, streams and checked-out clients (`db.transaction`) keep the driver's code.
 */
export function queryOverHttp(pool: Pool, databaseUrl: string): void {
  const original = pool.query.bind(pool);
  const fast = (config: string | QueryConfig, values?: unknown, callback?: unknown) => {
    if (typeof callback === "function" || typeof values === "function" || (typeof config !== "string" && typeof config !== "object")) {
      return (original as (...args: unknown[]) => unknown)(config, values, callback);
    }
    const text = typeof config === "string" ? config : config.text;
    const params = (Array.isArray(values) ? values : typeof config === "object" ? config.values : undefined) ?? [];
    const types = typeof config === "object" ? config.types : undefined;
    const fn = queryFunction(databaseUrl, typeof config === "object" && config.rowMode === "array");
    // drizzle's type parsers (timestamps as text) go along as the driver's own HTTP path passes them:
    // a third argument its .d.ts leaves out.
    return (fn.query as unknown as QueryWithOptions)(text, params, types === undefined ? {} : { types });
  };
  pool.query = fast as typeof pool.query;
}
