import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgliteServer } from "./pglite-server.mjs";

/**
 * @typedef {object} EmbeddedPostgres
 * @property {string} url  postgres://postgres:postgres@host:port/postgres
 * @property {number} port
 * @property {() => Promise<void>} stop  closes client sockets, the listener and the database
 */

/**
 * Starts PGlite (PostgreSQL compiled to WASM, in this process) behind a PostgreSQL wire-protocol
 * TCP listener, so node `pg`, drizzle and the Neon driver (through ws-bridge) can use it like a
 * server.
 *
 * PGlite is one backend: the socket server multiplexes client connections onto it one protocol
 * message at a time, and keeps other clients waiting while one of them holds a transaction open.
 * It does no authentication: any user, password and database name are accepted, and every
 * connection lands in the same database.
 *
 * @param {{ dataDir?: string, port?: number, host?: string }} [options]
 *   dataDir: persist there (created if missing); omitted = in memory, gone after stop().
 *   port: 0 (default) lets the OS choose.
 * @returns {Promise<EmbeddedPostgres>}
 */
export async function startEmbeddedPostgres({ dataDir, port = 0, host = "127.0.0.1" } = {}) {
  let dir;
  if (dataDir !== undefined) {
    dir = resolve(dataDir);
    await mkdir(dir, { recursive: true });
  }
  const db = await PGlite.create(dir);

  // Not pglite-socket's server: it takes turns per protocol message, which mixes up concurrent
  // clients' extended-protocol queries (see pglite-server.mjs).
  const { server, close } = createPgliteServer(db);
  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve(undefined));
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  const url = `postgres://postgres:postgres@${host}:${actualPort}/postgres`;

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    await close();
    // Closing flushes a persisted dataDir; detached handlers may still be rolling back.
    await db.close();
  }

  return { url, port: actualPort, stop };
}
