import { createServer } from "node:net";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
// A client's message group ends at one of these: Sync, simple Query, Flush, CopyDone, CopyFail.
const GROUP_END = new Set(["S", "Q", "H", "c", "f"]);

/**
 * Serves one PGlite database over the PostgreSQL wire protocol to many connections.
 *
 * PGlite is a single backend, so connections must take turns. pglite-socket's own server takes
 * turns per protocol *message*, which interleaves one client's Parse/Bind/Execute with another's
 * (the Neon driver sends them as separate frames) and mixes up their parameters. Here a
 * connection holds the database for a whole message group (up to Sync or Query), and for as long
 * as it has a transaction open, so each client sees what a real server would show it.
 *
 * @param {import("@electric-sql/pglite").PGlite} db
 */
export function createPgliteServer(db) {
  /** @type {{ owner: number | null, waiters: { id: number, resolve: () => void }[] }} */
  const lock = { owner: null, waiters: [] };

  /** @param {number} id */
  function acquire(id) {
    if (lock.owner === null || lock.owner === id) {
      lock.owner = id;
      return Promise.resolve();
    }
    return new Promise((resolve) => lock.waiters.push({ id, resolve: () => resolve(undefined) }));
  }

  /** @param {number} id */
  function release(id) {
    if (lock.owner !== id) return;
    const next = lock.waiters.shift();
    lock.owner = next ? next.id : null;
    next?.resolve();
  }

  let nextId = 1;
  const sockets = new Set();

  const server = createServer((socket) => {
    // Without it every reply waits for the client's delayed ACK: ~45 ms per query instead of ~2 ms.
    socket.setNoDelay(true);
    const id = nextId++;
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    let started = false;
    /** @type {Uint8Array[]} */
    let group = [];
    let chain = Promise.resolve();
    let closed = false;

    /** @param {Uint8Array[]} messages */
    const run = (messages) => {
      chain = chain.then(async () => {
        if (closed || db.closed) return;
        await acquire(id);
        try {
          for (const message of messages) {
            await db.execProtocolRawStream(message, {
              onRawData: (chunk) => {
                if (!socket.destroyed) socket.write(chunk);
              },
            });
          }
        } catch (e) {
          socket.destroy(e instanceof Error ? e : new Error(String(e)));
        } finally {
          // An open transaction keeps the database for this connection until it ends.
          if (closed || !db.isInTransaction()) release(id);
        }
      });
    };

    socket.on("data", (data) => {
      buffer = Buffer.concat([buffer, data]);
      while (true) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write("N");
            continue;
          }
          if (code === CANCEL_REQUEST) {
            socket.end();
            return;
          }
          started = true;
          run([new Uint8Array(message)]);
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const type = String.fromCharCode(buffer[0]);
        const message = new Uint8Array(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        if (type === "X") {
          socket.end();
          return;
        }
        group.push(message);
        if (GROUP_END.has(type)) {
          run(group);
          group = [];
        }
      }
    });

    const cleanUp = () => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      chain = chain.then(async () => {
        // A client that vanished mid-transaction must not leave the database locked or dirty.
        if (lock.owner === id) {
          // After stop() the database is closed: there is nothing left to roll back.
          if (!db.closed && db.isInTransaction()) await db.exec("ROLLBACK").catch(() => {});
          release(id);
        }
        lock.waiters = lock.waiters.filter((w) => w.id !== id);
      });
    };
    socket.on("close", cleanUp);
    socket.on("error", cleanUp);
  });

  return {
    server,
    /** Closes every client connection and the listener. */
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
