// Child process: the database side of a local stack that is being measured (the bench): embedded
// PostgreSQL unless given a server URL, and the WebSocket bridge the Neon driver needs. It runs
// apart from the load generator and the SendGrid fake because PGlite executes queries
// synchronously on its thread: in the same process it would stall the fake and skew every
// receipt time, and its CPU could not be told apart.
import { PGlite } from "@electric-sql/pglite";
import { createPgliteServer } from "./pglite-server.mjs";
import { startWsBridge } from "./ws-bridge.mjs";

/** @type {(() => Promise<unknown>)[]} */
const stops = [];
/**
 * What the embedded database did, for the profile: client connections, round trips (a protocol
 * group ends in Sync or simple Query, and the client waits for its answer), and the time PGlite
 * spent executing messages, which is time every other connection waited, PGlite being one backend.
 * Against a PostgreSQL server, the bridge counts connections and round trips (a /sql request is
 * one) and execMs stays 0: the server's own time is not seen from here.
 */
const stats = { connections: 0, roundTrips: 0, execMs: 0 };
async function main() {
  let url = process.env.STACK_DATABASE_URL;
  if (!url) url = await startEmbedded();
  const db = new URL(url);
  // The bridge reaches only the database, so it is no open relay.
  // Against a server the bridge counts round trips (PGlite counts its own, and would count twice).
  const bridge = await startWsBridge({
    allow: (h, p) => h === db.hostname && Number(p) === Number(db.port || 5432),
    sql: { host: db.hostname, port: Number(db.port || 5432) },
    ...(process.env.STACK_DATABASE_URL ? { stats } : {}),
  });
  stops.push(bridge.stop);
  process.send?.({ ready: true, url, bridgePort: bridge.port });
}

/**
 * What startEmbeddedPostgres() does, plus TCP_NODELAY on every connection: the server answers in
 * several small writes, and with Nagle's algorithm on, each query waits ~40 ms for a delayed ACK
 * (measured: 45 ms per query against 2 ms with it off). Remove once pglite-server.mjs sets it.
 */
async function startEmbedded() {
  const db = await PGlite.create();
  const exec = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = async (message, options) => {
    const started = performance.now();
    try {
      return await exec(message, options);
    } finally {
      stats.execMs += performance.now() - started;
      if (message[0] === 0x53 || message[0] === 0x51) stats.roundTrips++; // "S", "Q"
    }
  };
  const { server, close } = createPgliteServer(db);
  server.on("connection", (socket) => {
    stats.connections++;
    socket.setNoDelay(true);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  stops.push(async () => {
    await close();
    await db.close();
  });
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function shutdown() {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  process.exit(0);
}
// The parent going away (crash, kill) must not leave this process holding a port.
process.on("disconnect", shutdown);
process.on("SIGTERM", shutdown);
process.on("message", (m) => {
  if (m === "stop") shutdown();
  if (m === "stats") process.send?.({ stats });
});
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
