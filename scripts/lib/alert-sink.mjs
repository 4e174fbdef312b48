import { createServer } from "node:http";
import { listenLocal } from "./listen-local.mjs";

/**
 * @typedef {object} ReceivedRequest
 * @property {number} seq          arrival order
 * @property {string} method
 * @property {string} path         without the query
 * @property {string} query        the raw query string, without "?"
 * @property {Record<string, string | string[] | undefined>} headers  lowercased names
 * @property {unknown} json        the parsed body when it was JSON, else null
 * @property {string} text         the body as text
 *
 * @typedef {{ status: number, contentType: string, body: string }} Answer
 *
 * @typedef {object} AlertSink
 * @property {number} port
 * @property {string} url       base URL, e.g. http://127.0.0.1:PORT
 * @property {ReceivedRequest[]} received
 * @property {() => Promise<void>} stop
 */

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A recorder for the Worker's outbound HTTP that is not a mail provider: alert webhooks (Slack-
 * compatible JSON posts) and, for the SNS tests, AWS's certificate and subscription-confirmation
 * endpoints. Every request outside /__fake is recorded and answered 200 `{"ok":true}`, or with
 * what a test registered for that exact path:
 *   GET  /__fake/received[?path=/prefix]   recorded requests (JSON array), optionally by path prefix
 *   POST /__fake/respond                   JSON { path, status?, contentType?, body }: answer for `path`
 *   POST /__fake/reset                     forget recorded requests and registered answers
 * Tests share one sink, so each filters what it reads by its own ids (organisation, token, path).
 *
 * @param {{ port?: number, maxReceived?: number }} [options]
 * @returns {Promise<AlertSink>}
 */
export async function startAlertSink({ port = 0, maxReceived = 10_000 } = {}) {
  /** @type {ReceivedRequest[]} */
  const received = [];
  /** @type {Map<string, Answer>} */
  const answers = new Map();
  let seq = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sink");
    const send = (/** @type {number} */ status, /** @type {string} */ body, contentType = "application/json") => {
      res.writeHead(status, { "content-type": contentType });
      res.end(body);
    };
    let text;
    try {
      text = await readBody(req);
    } catch {
      return send(413, JSON.stringify({ error: "body too large" }));
    }
    if (url.pathname === "/__fake/received" && req.method === "GET") {
      const prefix = url.searchParams.get("path") ?? "";
      return send(200, JSON.stringify(received.filter((r) => r.path.startsWith(prefix))));
    }
    if (url.pathname === "/__fake/respond" && req.method === "POST") {
      const answer = parseJson(text);
      if (!answer || typeof answer.path !== "string" || typeof answer.body !== "string") return send(400, JSON.stringify({ error: "expected { path, body }" }));
      answers.set(answer.path, { status: Number(answer.status ?? 200), contentType: String(answer.contentType ?? "text/plain"), body: answer.body });
      return send(200, JSON.stringify({ ok: true }));
    }
    if (url.pathname === "/__fake/reset" && req.method === "POST") {
      received.length = 0;
      answers.clear();
      return send(200, JSON.stringify({ ok: true }));
    }
    received.push({ seq: ++seq, method: req.method ?? "GET", path: url.pathname, query: url.search.slice(1), headers: req.headers, json: parseJson(text), text });
    // The oldest records go first: a long dev session must not grow without bound.
    if (received.length > maxReceived) received.splice(0, received.length - maxReceived);
    const answer = answers.get(url.pathname);
    return answer ? send(answer.status, answer.body, answer.contentType) : send(200, JSON.stringify({ ok: true }));
  });

  const { port: actualPort, stop } = await listenLocal(server, port);
  return { port: actualPort, url: `http://127.0.0.1:${actualPort}`, received, stop };
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
  return Buffer.concat(chunks).toString("utf8");
}

/** @param {string} text */
function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
