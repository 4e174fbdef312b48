import { createServer } from "node:http";
import { gunzipSync } from "node:zlib";
import { listenLocal } from "./listen-local.mjs";

/**
 * @typedef {object} EnvelopeItem
 * @property {Record<string, unknown>} header   e.g. { type: "event" }
 * @property {unknown} payload                  parsed JSON when it is JSON, else the text
 *
 * @typedef {object} ReceivedEnvelope
 * @property {number} seq
 * @property {string} projectId
 * @property {Record<string, unknown>} header   the envelope header (event_id, sent_at, sdk, trace)
 * @property {EnvelopeItem[]} items
 * @property {string} raw                       the body exactly as it arrived (decompressed)
 *
 * @typedef {object} SentryFake
 * @property {number} port
 * @property {string} url         base URL, e.g. http://127.0.0.1:PORT
 * @property {(projectId?: string) => string} dsn   a DSN whose events reach this fake
 * @property {ReceivedEnvelope[]} received
 * @property {() => Promise<void>} stop
 */

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Sentry's ingestion endpoint as the SDKs speak to it: `POST /api/<project>/envelope/` with the
 * DSN's public key as `sentry_key` (query) or in `X-Sentry-Auth`, a newline-delimited envelope
 * (header line, then item header and payload pairs; a payload's byte `length` is optional),
 * optionally gzipped; `200 {"id": …}` when taken, `401` for a wrong key. Recorded envelopes:
 *   GET  /__fake/envelopes    every envelope taken (JSON array of ReceivedEnvelope)
 *   POST /__fake/reset        forget them
 *
 * @param {{ port?: number, publicKey?: string }} [options]
 * @returns {Promise<SentryFake>}
 */
export async function startSentryFake({ port = 0, publicKey = "public" } = {}) {
  /** @type {ReceivedEnvelope[]} */
  const received = [];
  let seq = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sentry");
    const send = (/** @type {number} */ status, /** @type {unknown} */ body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let bytes;
    try {
      bytes = await readBody(req);
    } catch {
      return send(413, { detail: "envelope exceeded size limits" });
    }
    if (url.pathname === "/__fake/envelopes" && req.method === "GET") return send(200, received);
    if (url.pathname === "/__fake/reset" && req.method === "POST") {
      received.length = 0;
      return send(200, { ok: true });
    }
    const route = /^\/api\/(\d+)\/envelope\/?$/.exec(url.pathname);
    if (!route || req.method !== "POST") return send(404, { detail: "not found" });
    if (keyOf(url, req.headers["x-sentry-auth"]) !== publicKey) return send(401, { detail: "invalid api key" });
    let raw;
    try {
      raw = (req.headers["content-encoding"] === "gzip" ? gunzipSync(bytes) : bytes).toString("utf8");
    } catch {
      return send(400, { detail: "invalid compression" });
    }
    const envelope = parseEnvelope(raw);
    if (!envelope) return send(400, { detail: "invalid envelope" });
    received.push({ seq: ++seq, projectId: route[1] ?? "", ...envelope, raw });
    return send(200, { id: envelope.header.event_id ?? null });
  });

  const { port: actualPort, stop } = await listenLocal(server, port);
  const base = `127.0.0.1:${actualPort}`;
  return { port: actualPort, url: `http://${base}`, dsn: (projectId = "1") => `http://${publicKey}@${base}/${projectId}`, received, stop };
}

/**
 * @param {URL} url
 * @param {string | string[] | undefined} authHeader  `Sentry sentry_key=…, sentry_version=7, …`
 */
function keyOf(url, authHeader) {
  const fromQuery = url.searchParams.get("sentry_key");
  if (fromQuery) return fromQuery;
  const header = Array.isArray(authHeader) ? authHeader[0] : authHeader;
  return /sentry_key=([^,\s]+)/.exec(header ?? "")?.[1];
}

/**
 * @param {string} raw
 * @returns {{ header: Record<string, unknown>, items: EnvelopeItem[] } | undefined}
 */
export function parseEnvelope(raw) {
  const buffer = Buffer.from(raw, "utf8");
  let at = 0;
  const line = () => {
    const end = buffer.indexOf(0x0a, at);
    const text = buffer.subarray(at, end === -1 ? buffer.length : end).toString("utf8");
    at = end === -1 ? buffer.length : end + 1;
    return text;
  };
  const header = parseJson(line());
  if (!header || typeof header !== "object") return undefined;
  /** @type {EnvelopeItem[]} */
  const items = [];
  while (at < buffer.length) {
    const itemHeaderText = line();
    if (itemHeaderText.trim() === "") continue;
    const itemHeader = parseJson(itemHeaderText);
    if (!itemHeader || typeof itemHeader !== "object") return undefined;
    let payloadText;
    if (typeof itemHeader.length === "number") {
      payloadText = buffer.subarray(at, at + itemHeader.length).toString("utf8");
      at += itemHeader.length;
      if (buffer[at] === 0x0a) at++;
    } else {
      payloadText = line();
    }
    items.push({ header: itemHeader, payload: parseJson(payloadText) ?? payloadText });
  }
  return { header, items };
}

/** @param {import("node:http").IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** @param {string} text */
function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
