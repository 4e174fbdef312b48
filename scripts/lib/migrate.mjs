import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";

/** Where drizzle-kit writes migrations (`<repo>/drizzle`). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Applies the drizzle-kit migrations not yet recorded in drizzle.__drizzle_migrations.
 * Each migration file runs in one transaction, statement by statement ("--> statement-breakpoint").
 * @param {string} databaseUrl
 * @param {{ migrationsFolder?: string }} [options]  override for tests
 * @returns {Promise<void>}
 */
export async function applyMigrations(databaseUrl, { migrationsFolder = MIGRATIONS_FOLDER } = {}) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  // An idle client dying (server stopped, connection reset) is emitted on the pool; without a
  // listener Node treats it as an unhandled 'error' and exits.
  pool.on("error", () => {});
  try {
    await migrate(drizzle(pool), { migrationsFolder });
  } finally {
    await pool.end();
  }
}

/**
 * Creates an empty database with a random name on the server of `serverUrl`, so parallel test runs
 * against one real PostgreSQL do not see each other's rows.
 * Not useful against the embedded PGlite server: it serves one database whatever name is asked for.
 * @param {string} serverUrl  any database on the server the role may connect to (e.g. .../postgres)
 * @param {string} [prefix]   letters, digits and _ (others are replaced); lowercased
 * @returns {Promise<string>} serverUrl with the new database name as its path
 */
export async function createScratchDatabase(serverUrl, prefix = "tidings_test") {
  const safePrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(0, 40);
  const name = `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops a database, disconnecting whoever still uses it (WITH (FORCE), PostgreSQL 13+).
 * Missing databases are fine, so this is safe in `finally` / afterAll.
 * @param {string} serverUrl  a database on the same server other than the one being dropped
 * @param {string} name       the database name, or the URL createScratchDatabase returned
 * @returns {Promise<void>}
 */
export async function dropDatabase(serverUrl, name) {
  const dbName = /^postgres(ql)?:\/\//.test(name) ? decodeURIComponent(new URL(name).pathname.slice(1)) : name;
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbName)} WITH (FORCE)`));
}

/**
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** @param {string} name */
function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}
