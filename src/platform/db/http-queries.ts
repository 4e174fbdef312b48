import { errorFields, NeonDbError, neon, neonConfig, type Pool, types as pgTypes } from "@neondatabase/serverless";

type QueryFunction = ReturnType<typeof neon<boolean, true>>;
type TypeParsers = { getTypeParser: (oid: number, format?: string) => (text: string) => unknown };
type QueryConfig = { text: string; values?: unknown[]; rowMode?: string; types?: TypeParsers };
type QueryWithOptions = (text: string, params: unknown[], options: { types?: unknown }) => Promise<unknown>;
type Field = { name: string; dataTypeID: number };
type Answer = { fields: Field[]; rows: (string | null)[][]; command?: string; rowCount?: number };
type Target = { endpoint: string; connectionString: string };

/**
 * Identifies Tidings' statements in Neon's `pg_stat_activity`, as the driver's own HTTP path adds
 * its package name.
 */
const APPLICATION_NAME = "tidings";

/** The connection string as the driver sends it to the SQL endpoint: no port, "undefined" for no password. */
function httpConnectionString(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password) || undefined;
  const u = encodeURIComponent;
  return `postgresql://${u(decodeURIComponent(url.username))}:${u(String(password))}@${u(url.hostname)}/${encodeURI(decodeURIComponent(url.pathname.slice(1)))}`;
}

/**
 * Per isolate, per database URL: the endpoint and connection string every statement sends. The
 * driver's `neon()` works both out again for every statement (URL and connection-string parsing,
 * ~3 % of the Worker's CPU in the bench's profile); they depend only on the URL and `neonConfig`.
 */
const targets = new Map<string, Target>();
function target(databaseUrl: string): Target {
  const endpointSetting = neonConfig.fetchEndpoint;
  const key = `${typeof endpointSetting === "string" ? endpointSetting : ""}\n${databaseUrl}`;
  let found = targets.get(key);
  if (!found) {
    const url = new URL(databaseUrl);
    const endpoint = typeof endpointSetting === "function" ? endpointSetting(url.hostname, url.port, { jwtAuth: false }) : endpointSetting;
    found = { endpoint, connectionString: `${httpConnectionString(databaseUrl)}?application_name=${APPLICATION_NAME}` };
    if (targets.size > 16) targets.clear();
    targets.set(key, found);
  }
  return found;
}

const queryFunctions = new Map<string, QueryFunction>();
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

/** What the driver would send for these values as they are: text for numbers and booleans, null for null. */
function plainParams(values: readonly unknown[]): (string | null)[] | undefined {
  const out: (string | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = null;
    else if (typeof v === "string") out[i] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[i] = String(v);
    // Dates, arrays, objects and bytes take the driver's own encoding (its `prepareValue`).
    else return undefined;
  }
  return out;
}

async function refusal(answer: Response): Promise<Error> {
  if (answer.status === 400) {
    const body = (await answer.json()) as Record<string, string | undefined> & { message?: string };
    const error = new NeonDbError(body.message ?? "query refused");
    const fields = error as unknown as Record<string, string | undefined>;
    for (const field of errorFields) fields[field] = body[field] ?? undefined;
    return error;
  }
  return new NeonDbError(`Server error (HTTP status ${answer.status}): ${await answer.text()}`);
}

/**
 * One statement as one POST to the SQL endpoint, in the wire format the driver's `neon()` uses
 * (raw text values, array rows) and answered in the shape its `fullResults` gives: rows parsed by
 * the caller's type parsers (drizzle keeps timestamps as text), as objects or as arrays.
 */
async function postStatement(
  to: Target,
  text: string,
  params: (string | null)[],
  arrayMode: boolean,
  types: TypeParsers | undefined,
): Promise<Omit<Answer, "rows"> & { rows: unknown[]; rowAsArray: boolean; viaNeonFetch: true }> {
  let answer: Response;
  try {
    answer = await (neonConfig.fetchFunction ?? fetch)(to.endpoint, {
      method: "POST",
      body: JSON.stringify({ query: text, params }),
      headers: { "Neon-Connection-String": to.connectionString, "Neon-Raw-Text-Output": "true", "Neon-Array-Mode": "true" },
    });
  } catch (e) {
    const error = new NeonDbError(`Error connecting to database: ${e}`);
    error.sourceError = e instanceof Error ? e : undefined;
    throw error;
  }
  if (!answer.ok) throw await refusal(answer);
  const result = (await answer.json()) as Answer;
  const lookUp = types ?? (pgTypes as unknown as TypeParsers);
  const parsers = result.fields.map((f) => lookUp.getTypeParser(f.dataTypeID, "text"));
  const names = result.fields.map((f) => f.name);
  const rows = result.rows.map((row) => {
    if (arrayMode) return row.map((v, i) => (v === null ? null : (parsers[i] as (t: string) => unknown)(v)));
    const object: Record<string, unknown> = {};
    for (let i = 0; i < row.length; i++) {
      const v = row[i] as string | null;
      object[names[i] as string] = v === null ? null : (parsers[i] as (t: string) => unknown)(v);
    }
    return object;
  });
  return { ...result, rows, rowAsArray: arrayMode, viaNeonFetch: true };
}

/**
 * Makes `pool.query(config, values)` — the only form drizzle uses outside a transaction — go over
 * HTTP: with plain values (text, numbers, booleans, nulls: every hot statement) as one POST built
 * here from the per-isolate target; with any other value through a cached `neon()` query function,
 * exactly as the driver's own HTTP path would send it. Callbacks, streams and checked-out clients
 * (`db.transaction`) keep the driver's code.
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
    const arrayMode = typeof config === "object" && config.rowMode === "array";
    const plain = plainParams(params);
    if (plain) return postStatement(target(databaseUrl), text, plain, arrayMode, types);
    // drizzle's type parsers (timestamps as text) go along as the driver's own HTTP path passes them:
    // a third argument its .d.ts leaves out.
    const fn = queryFunction(databaseUrl, arrayMode);
    return (fn.query as unknown as QueryWithOptions)(text, params, types === undefined ? {} : { types });
  };
  pool.query = fast as typeof pool.query;
}
