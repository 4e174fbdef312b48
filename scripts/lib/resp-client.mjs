import { connect } from "node:net";

/**
 * A minimal RESP2 client over node:net, enough for the Upstash bridge and a PING probe (no npm
 * package: the tests must not need one to reach Redis).
 */

/** A reply Redis sent as an error (`-ERR …`), kept apart from strings. */
export class ReplyError {
  /** @param {string} message */
  constructor(message) {
    this.error = message;
  }
}
/** A simple-string reply (`+OK`): Upstash leaves "OK" unencoded under base64 encoding. */
export class Status {
  /** @param {string} value */
  constructor(value) {
    this.value = value;
  }
}

/** @param {unknown[]} args */
function encodeCommand(args) {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) {
    const s = typeof arg === "string" ? arg : typeof arg === "object" && arg !== null ? JSON.stringify(arg) : String(arg);
    parts.push(`$${Buffer.byteLength(s)}\r\n${s}\r\n`);
  }
  return parts.join("");
}

/**
 * Parses one RESP2 value at `offset`; null when the buffer does not hold all of it yet.
 * @param {Buffer} buf @param {number} offset
 * @returns {{ value: any, next: number } | null}
 */
function parseReply(buf, offset) {
  const lineEnd = buf.indexOf("\r\n", offset);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString("utf8", offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: new Status(line), next: after };
    case "-":
      return { value: new ReplyError(line), next: after };
    case ":":
      return { value: Number(line), next: after };
    case "$": {
      const len = Number(line);
      if (len === -1) return { value: null, next: after };
      if (buf.length < after + len + 2) return null;
      return { value: buf.toString("utf8", after, after + len), next: after + len + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count === -1) return { value: null, next: after };
      const items = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return null;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

/**
 * A minimal Redis client: one connection, commands pipelined in order. A request's commands are
 * written in one write, so a MULTI … EXEC block is never interleaved with another request's.
 * @param {{ host?: string, port?: number }} [options]
 */
export async function connectRedis({ host = "127.0.0.1", port = 6379 } = {}) {
  const socket = connect({ host, port });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  /** @type {{ resolve: (v: any) => void, reject: (e: Error) => void }[]} */
  const waiting = [];
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const parsed = parseReply(buffer, offset);
      if (!parsed) break;
      offset = parsed.next;
      waiting.shift()?.resolve(parsed.value);
    }
    buffer = buffer.subarray(offset);
  });
  const failAll = (/** @type {Error} */ e) => {
    for (const w of waiting.splice(0)) w.reject(e);
  };
  socket.on("error", failAll);
  socket.on("close", () => failAll(new Error("Redis connection closed")));
  return {
    /** @param {unknown[][]} commands @returns {Promise<any[]>} */
    send(commands) {
      if (socket.destroyed) return Promise.reject(new Error("Redis connection closed"));
      const replies = commands.map(() => new Promise((resolve, reject) => waiting.push({ resolve, reject })));
      socket.write(commands.map(encodeCommand).join(""));
      return Promise.all(replies);
    },
    close: () => new Promise((resolve) => socket.end(() => resolve(undefined))),
  };
}

/**
 * Whether Redis answers PING, and if not, why (for the message that says which tests were skipped).
 * @returns {Promise<{ ok: true } | { ok: false, reason: string }>}
 */
export async function pingRedis({ host = "127.0.0.1", port = 6379, timeoutMs = 1000 } = {}) {
  const attempt = (async () => {
    const redis = await connectRedis({ host, port });
    try {
      const [reply] = await redis.send([["PING"]]);
      return reply instanceof Status && reply.value === "PONG" ? { ok: true } : { ok: false, reason: `PING answered ${JSON.stringify(reply)}` };
    } finally {
      await redis.close();
    }
  })().catch((e) => ({ ok: false, reason: `${host}:${port}: ${e.code ?? e.message}` }));
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ ok: false, reason: `${host}:${port}: no answer within ${timeoutMs} ms` }), timeoutMs).unref());
  return /** @type {any} */ (Promise.race([attempt, timeout]));
}
