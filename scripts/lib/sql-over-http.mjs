import pg from "pg";

/**
 * Neon's SQL-over-HTTP endpoint, locally: what `https://api.<region>.neon.tech/sql` does for the
 * Neon driver's `neon()` function and for `Pool.query` with `neonConfig.poolQueryViaFetch`. One
 * POST is one statement (or, with `{ queries }`, one transaction of several), answered from pooled
 * connections, so a Worker request pays one HTTP round trip per statement and no connection start.
 *
 * The contract, as the driver speaks it (@neondatabase/serverless, `neon()`):
 * - request: JSON `{ query, params }` or `{ queries: [{ query, params }, …] }`; headers
 *   `Neon-Connection-String` (user, password, database; the driver drops the port),
 *   `Neon-Raw-Text-Output: true`, `Neon-Array-Mode: true`, optional `Neon-Batch-Isolation-Level`,
 *   `Neon-Batch-Read-Only`, `Neon-Batch-Deferrable`;
 * - answer 200: `{ command, rowCount, fields: [{ name, dataTypeID, … }], rows: [[text | null]] }`
 *   (values as PostgreSQL's text output: the driver parses them by type), or `{ results: [...] }`;
 * - answer 400: a PostgreSQL error as JSON (`message`, `code`, `detail`, `constraint`, …), which
 *   the driver turns into a `NeonDbError` with those fields.
 *
 * @param {{ host: string, port: number }} target  the one database server this endpoint reaches,
 *   whatever host the connection string names (the driver's string has no port).
 */
export function sqlOverHttp(target) {
  /** @type {Map<string, pg.Pool>} */
  const pools = new Map();
  // Every value as the server's text: the driver applies its own type parsers, as with Neon.
  const rawText = { getTypeParser: () => (/** @type {string} */ value) => value };

  /** @param {string} connectionString */
  function poolFor(connectionString) {
    const given = new URL(connectionString);
    const user = decodeURIComponent(given.username);
    const password = decodeURIComponent(given.password);
    const database = decodeURIComponent(given.pathname.slice(1));
    const key = `${user}\n${password}\n${database}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        host: target.host,
        port: target.port,
        user,
        // The driver writes "undefined" for a connection string without a password.
        ...(password && password !== "undefined" ? { password } : {}),
        database,
        max: 8,
        idleTimeoutMillis: 30_000,
      });
      pool.on("error", () => {}); // an idle connection the server closed: the pool replaces it
      pools.set(key, pool);
    }
    return pool;
  }

  /** @param {pg.PoolClient | pg.Pool} client @param {{ query: string, params?: unknown[] }} q */
  async function run(client, q) {
    const result = await client.query({ text: q.query, values: q.params ?? [], rowMode: "array", types: rawText });
    return {
      command: result.command,
      rowCount: result.rowCount,
      fields: result.fields,
      rows: result.rows,
      rowAsArray: true,
    };
  }

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   */
  async function handle(req, res) {
    const send = (/** @type {number} */ status, /** @type {unknown} */ body) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    let body;
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { message: "the body is not JSON" });
    }
    const connectionString = req.headers["neon-connection-string"];
    if (typeof connectionString !== "string") return send(400, { message: "Neon-Connection-String is missing" });
    let pool;
    try {
      pool = poolFor(connectionString);
    } catch {
      return send(400, { message: "Neon-Connection-String is not a URL" });
    }
    try {
      if (!Array.isArray(body.queries)) return send(200, await run(pool, body));
      const client = await pool.connect();
      try {
        const isolation = req.headers["neon-batch-isolation-level"];
        const readOnly = req.headers["neon-batch-read-only"] === "true" ? " READ ONLY" : "";
        await client.query(`BEGIN${typeof isolation === "string" ? ` ISOLATION LEVEL ${isolationLevel(isolation)}` : ""}${readOnly}`);
        const results = [];
        for (const q of body.queries) results.push(await run(client, q));
        await client.query("COMMIT");
        return send(200, { results });
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    } catch (e) {
      if (e instanceof pg.DatabaseError) return send(400, { ...pick(e), message: e.message });
      res.writeHead(500, { "content-type": "text/plain" }).end(String(e instanceof Error ? e.message : e));
    }
  }

  return {
    handle,
    stop: async () => {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => undefined)));
      pools.clear();
    },
  };
}

/** @param {string} level  Neon's spelling: ReadUncommitted, ReadCommitted, RepeatableRead, Serializable */
function isolationLevel(level) {
  const levels = { ReadUncommitted: "READ UNCOMMITTED", ReadCommitted: "READ COMMITTED", RepeatableRead: "REPEATABLE READ", Serializable: "SERIALIZABLE" };
  const known = /** @type {Record<string, string>} */ (levels)[level];
  if (!known) throw new Error(`unknown isolation level ${level}`);
  return known;
}

/** The fields of a PostgreSQL error the driver copies onto its NeonDbError. @param {pg.DatabaseError} e */
function pick(e) {
  const { severity, code, detail, hint, position, internalPosition, internalQuery, where, schema, table, column, dataType, constraint, file, line, routine } = e;
  return { severity, code, detail, hint, position, internalPosition, internalQuery, where, schema, table, column, dataType, constraint, file, line, routine };
}
