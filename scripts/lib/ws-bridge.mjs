import { createServer } from "node:http";
import { connect } from "node:net";
import { WebSocketServer } from "ws";
import { sqlOverHttp } from "./sql-over-http.mjs";

/**
 * @typedef {object} WsBridge
 * @property {number} port
 * @property {() => Promise<void>} stop  drops every open tunnel and closes the listener
 */

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

/** @param {string} host */
const localOnly = (host) => LOCAL_HOSTS.has(host);

// Past this many bytes queued towards the WebSocket, stop reading from PostgreSQL until it drains,
// so a big result set cannot pile up in memory.
const HIGH_WATER = 1 << 20;

/**
 * WebSocket-to-TCP bridge for the Neon serverless driver, standing in for Neon's proxy locally.
 * The driver opens ws://HOST:PORT/v2?address=pghost:pgport and speaks the plain PostgreSQL wire
 * protocol in binary frames; this pipes those bytes to a TCP socket and back.
 *
 * Driver settings: neonConfig.wsProxy = (h, p) => `127.0.0.1:${port}/v2?address=${h}:${p}`,
 * useSecureWebSocket = false, pipelineTLS = false, pipelineConnect = false.
 *
 * With `sql`, it also answers POST /sql as Neon's SQL-over-HTTP endpoint does (sql-over-http.mjs),
 * from pooled connections to that one server: the driver's `Pool.query` goes there when
 * `neonConfig.poolQueryViaFetch` is on (neonConfig.fetchEndpoint = `http://HOST:PORT/sql`).
 *
 * @param {{ port?: number, host?: string, allow?: (host: string, port: number) => boolean, sql?: { host: string, port: number }, stats?: { connections: number, roundTrips: number } }} [options]
 *   allow: which targets may be reached; default only 127.0.0.1 / localhost / ::1, so the bridge
 *   is not an open relay. sql: the database server /sql queries go to. stats: counted into when
 *   given (the bench's profile against a server, whose own counters it cannot read): every /sql
 *   POST is one round trip, and on a tunnel every client message that makes the client wait for
 *   the server (Sync, simple Query) is one; each tunnel is a connection.
 * @returns {Promise<WsBridge>}
 */
export async function startWsBridge({ port = 0, host = "127.0.0.1", allow = localOnly, sql, stats } = {}) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  /** @type {Set<import("node:net").Socket>} */
  const tcpSockets = new Set();

  const sqlEndpoint = sql ? sqlOverHttp(sql) : undefined;
  const server = createServer((req, res) => {
    if (sqlEndpoint && req.method === "POST" && (req.url ?? "").split("?")[0] === "/sql") {
      if (stats) stats.roundTrips++;
      sqlEndpoint.handle(req, res).catch(() => res.destroy());
      return;
    }
    res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket upgrade required\n");
  });
  // Malformed requests and resets from clients must never take the process down.
  server.on("clientError", (_err, socket) => socket.destroy());

  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => {}); // until ws takes over the socket
    const target = parseTarget(req.url ?? "");
    let allowed = false;
    try {
      allowed = target !== null && allow(target.host, target.port);
    } catch {
      // A throwing allow() means "no".
    }
    if (!target || !allowed) {
      const status = target ? "403 Forbidden" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => tunnel(ws, target));
  });

  /**
   * @param {import("ws").WebSocket} ws
   * @param {{ host: string, port: number }} target
   */
  function tunnel(ws, target) {
    // net.Socket queues writes made while it is still connecting, so the startup message the
    // driver sends right after the WebSocket opens is delivered once TCP is up, not dropped.
    const tcp = connect({ host: target.host, port: target.port });
    tcp.setNoDelay(true);
    tcpSockets.add(tcp);

    let closed = false;
    /** @param {number} code  1000 after a clean end, 1011 when the TCP side failed */
    const closeBoth = (code = 1000) => {
      if (closed) return;
      closed = true;
      tcpSockets.delete(tcp);
      tcp.destroy();
      if (ws.readyState === ws.OPEN) ws.close(code);
      else ws.terminate();
    };

    const countWaits = stats ? protocolWaits(stats) : undefined;
    if (stats) stats.connections++;
    // binaryType is the default "nodebuffer", so every message arrives as one Buffer.
    ws.on("message", (/** @type {Buffer} */ data) => {
      countWaits?.(data);
      if (!closed && !tcp.write(data)) ws.pause();
    });
    tcp.on("drain", () => ws.resume());

    tcp.on("data", (chunk) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, { binary: true }, () => {
        if (tcp.isPaused() && ws.bufferedAmount < HIGH_WATER) tcp.resume();
      });
      if (ws.bufferedAmount >= HIGH_WATER) tcp.pause();
    });

    ws.on("close", () => closeBoth());
    ws.on("error", () => closeBoth());
    tcp.on("end", () => closeBoth());
    tcp.on("close", () => closeBoth());
    tcp.on("error", () => closeBoth(1011));
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      server.on("error", () => {});
      resolve(undefined);
    });
  });
  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port;

  async function stop() {
    await sqlEndpoint?.stop();
    for (const ws of wss.clients) ws.terminate();
    for (const tcp of tcpSockets) tcp.destroy();
    tcpSockets.clear();
    await new Promise((resolve) => wss.close(() => resolve(undefined)));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }

  return { port: actualPort, stop };
}

/**
 * Counts the client's messages that end a round trip (Sync "S", simple Query "Q") in the frontend
 * byte stream of one connection: the startup message has no type byte, every later message is a
 * type byte and a 4-byte length that counts itself. Frames may split or join messages anywhere.
 * @param {{ roundTrips: number }} stats
 */
function protocolWaits(stats) {
  let started = false;
  /** Bytes still to skip of the current message's body. */
  let skip = 0;
  let header = Buffer.alloc(0);
  return (/** @type {Buffer} */ data) => {
    let i = 0;
    while (i < data.length) {
      if (skip > 0) {
        const n = Math.min(skip, data.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const need = (started ? 5 : 4) - header.length;
      header = Buffer.concat([header, data.subarray(i, i + need)]);
      i += Math.min(need, data.length - i);
      if (header.length < (started ? 5 : 4)) return;
      if (!started) {
        // The startup message, or an 8-byte SSLRequest/GSSENCRequest that comes before it.
        skip = header.readUInt32BE(0) - 4;
        started = header.readUInt32BE(0) !== 8;
      } else {
        if (header[0] === 0x53 || header[0] === 0x51) stats.roundTrips++;
        skip = header.readUInt32BE(1) - 4;
      }
      header = Buffer.alloc(0);
    }
  };
}

/**
 * "/v2?address=host:port" -> { host, port }; IPv6 hosts may be bracketed ("[::1]:5432").
 * @param {string} url
 * @returns {{ host: string, port: number } | null}
 */
function parseTarget(url) {
  let parsed;
  try {
    parsed = new URL(url, "http://bridge");
  } catch {
    return null;
  }
  if (parsed.pathname !== "/v2") return null;
  const address = parsed.searchParams.get("address");
  if (!address) return null;
  const colon = address.lastIndexOf(":");
  if (colon <= 0) return null;
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(colon + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}
