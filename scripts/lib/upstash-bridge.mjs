import { createServer } from "node:http";
import { connectRedis, ReplyError, Status } from "./resp-client.mjs";

export { pingRedis } from "./resp-client.mjs";

/**
 * @typedef {object} UpstashBridge
 * @property {number} port
 * @property {string} url     base URL for UPSTASH_REDIS_REST_URL, e.g. http://127.0.0.1:PORT
 * @property {string} token   the Bearer token it requires (UPSTASH_REDIS_REST_TOKEN)
 * @property {() => Promise<void>} stop
 */

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Upstash's JSON for a reply: strings base64-encoded when asked, except the "OK" status. */
/** @param {any} value @param {boolean} base64 @returns {unknown} */
function toJson(value, base64) {
  if (value instanceof Status) return base64 && value.value !== "OK" ? Buffer.from(value.value).toString("base64") : value.value;
  if (typeof value === "string") return base64 ? Buffer.from(value).toString("base64") : value;
  if (Array.isArray(value)) return value.map((v) => toJson(v, base64));
  return value;
}
const entry = (/** @type {any} */ reply, /** @type {boolean} */ base64) => (reply instanceof ReplyError ? { error: reply.error } : { result: toJson(reply, base64) });

/**
 * Upstash's REST protocol in front of a real Redis, for tests and local runs (no npm package does it):
 *   POST /             ["CMD", ...args]      → {"result": …} (400 {"error": …} when Redis refuses)
 *   POST /pipeline     [["CMD", …], …]       → [{"result"} | {"error"}, …]
 *   POST /multi-exec   [["CMD", …], …]       → the same, run as one MULTI/EXEC transaction
 * Requires `Authorization: Bearer <token>`; with `Upstash-Encoding: base64` (the SDK's default)
 * string results are base64, as Upstash does, so binary-safe values survive JSON.
 * @param {{ port?: number, host?: string, token?: string, redisHost?: string, redisPort?: number }} [options]
 * @returns {Promise<UpstashBridge>}
 */
export async function startUpstashBridge({ port = 0, host = "127.0.0.1", token = "tidings-test-redis-token", redisHost = "127.0.0.1", redisPort = 6379 } = {}) {
  const redis = await connectRedis({ host: redisHost, port: redisPort });
  const server = createServer(async (req, res) => {
    const reply = (/** @type {number} */ status, /** @type {unknown} */ body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
    if (req.method !== "POST") return reply(405, { error: "Only POST is served" });
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reply(413, { error: "Request body too large" });
      chunks.push(chunk);
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return reply(400, { error: "ERR failed to parse command" });
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
    try {
      if (path === "/") {
        if (!Array.isArray(body) || body.length === 0) return reply(400, { error: "ERR command must be a non-empty array" });
        const [result] = await redis.send([body]);
        return result instanceof ReplyError ? reply(400, { error: result.error }) : reply(200, { result: toJson(result, base64) });
      }
      if (path === "/pipeline" || path === "/multi-exec") {
        if (!Array.isArray(body) || body.some((c) => !Array.isArray(c) || c.length === 0)) return reply(400, { error: "ERR body must be an array of commands" });
        if (path === "/pipeline")
          return reply(
            200,
            (await redis.send(body)).map((r) => entry(r, base64)),
          );
        const replies = await redis.send([["MULTI"], ...body, ["EXEC"]]);
        const exec = replies[replies.length - 1];
        if (exec instanceof ReplyError || exec === null) {
          const queued = replies.slice(1, -1).find((r) => r instanceof ReplyError);
          return reply(400, { error: (queued ?? exec)?.error ?? "EXECABORT Transaction discarded" });
        }
        return reply(
          200,
          exec.map((/** @type {any} */ r) => entry(r, base64)),
        );
      }
      return reply(404, { error: `No such endpoint ${path}` });
    } catch (e) {
      return reply(500, { error: e instanceof Error ? e.message : String(e) });
    }
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  return {
    port: boundPort,
    url: `http://${host}:${boundPort}`,
    token,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await redis.close();
    },
  };
}

/**
 * A server that accepts connections and never answers: how a hung cache looks to its client.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startUnresponsiveServer({ host = "127.0.0.1" } = {}) {
  /** @type {Set<import("node:http").ServerResponse>} */
  const held = new Set();
  const server = createServer((_req, res) => {
    held.add(res);
  });
  await new Promise((resolve) => server.listen(0, host, () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
