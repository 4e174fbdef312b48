import { createBehaviours, readBody } from "./fake-behaviour.mjs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";

/**
 * @typedef {object} Behaviour
 * @property {number} latencyMs      delay before every /v3 answer
 * @property {number} failureRate    fraction in [0, 1] of sends answered with failureStatus
 * @property {number} failureStatus  e.g. 500, 503, 429 (429 adds Retry-After), 400, 401
 * @property {number} failNext       the next N sends fail with failureStatus, whatever failureRate is
 *
 * @typedef {object} ReceivedMail
 * @property {string} id          the id answered, with angle brackets, as Mailgun sends it
 * @property {string} messageId   the same without brackets, as webhooks carry it
 * @property {number} receivedAt  Date.now() when accepted
 * @property {string} domain      the domain in the URL
 * @property {string} authorization  the Authorization header received
 * @property {string} contentType    the request's Content-Type (multipart/form-data; boundary=…)
 * @property {Record<string, string | string[]>} fields  every form field; repeated fields as arrays
 * @property {string[]} recipients    the bare addresses in `to`, lowercased
 *
 * @typedef {{ status: number, headers: Record<string, string>, body: string }} Answer
 *
 * @typedef {object} MailgunFake
 * @property {number} port
 * @property {string} url  base URL, e.g. http://127.0.0.1:PORT (the API is at /v3/{domain}/messages)
 * @property {ReceivedMail[]} received
 * @property {{ requests: number, accepted: number, failed: number, unauthorized: number, invalid: number }} counts
 * @property {(to?: string) => void} reset
 * @property {(patch: Partial<Behaviour> & { to?: string }) => Behaviour} setBehaviour
 * @property {() => Promise<void>} stop
 */

const MAX_BODY_BYTES = 25 * 1024 * 1024; // Mailgun's message size limit

/**
 * A stand-in for Mailgun's messages API (`POST /v3/{domain}/messages`, Basic auth `api:KEY`,
 * multipart or urlencoded form), with the same control endpoints as the SendGrid fake:
 *   GET  /__fake/received[?to=email]   POST /__fake/reset[?to=email]
 *   GET  /__fake/behaviour             POST /__fake/behaviour (JSON patch; `to` scopes it)
 *
 * @param {{ port?: number, apiKey?: string, domains?: string[], latencyMs?: number, failureRate?: number, failureStatus?: number, maxReceived?: number }} [options]
 * @returns {Promise<MailgunFake>}
 */
export async function startMailgunFake({
  port = 0,
  apiKey = "key-test",
  domains = ["mg.tidings.test"],
  latencyMs = 0,
  failureRate = 0,
  failureStatus = 500,
  maxReceived = 100_000,
} = {}) {
  const initial = validateBehaviour({ latencyMs, failureRate, failureStatus, failNext: 0 });
  const behaviours = createBehaviours(initial, validateBehaviour);
  const expectedAuth = `Basic ${Buffer.from(`api:${apiKey}`).toString("base64")}`;
  const knownDomains = new Set(domains.map((d) => d.toLowerCase()));
  /** @type {ReceivedMail[]} */
  const received = [];
  const counts = { requests: 0, accepted: 0, failed: 0, unauthorized: 0, invalid: 0 };

  /** @param {string} [to] */
  function reset(to) {
    if (to) {
      const keep = received.filter((m) => !m.recipients.includes(to.toLowerCase()));
      received.splice(0, received.length, ...keep);
      behaviours.reset(to);
      return;
    }
    received.length = 0;
    for (const key of /** @type {(keyof typeof counts)[]} */ (Object.keys(counts))) counts[key] = 0;
    behaviours.reset();
  }

  /** @param {Partial<Behaviour> & { to?: string }} patch */
  const setBehaviour = (patch) => behaviours.set(patch);

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      const send = /^\/v3\/([^/]+)\/messages$/.exec(url.pathname);
      if (send && req.method === "POST") return await messages(req, res, decodeURIComponent(send[1] ?? ""));
      if (url.pathname.startsWith("/__fake/")) return await control(req, res, url);
      reply(res, jsonAnswer(404, { message: "Not Found" }));
    } catch (err) {
      if (!res.headersSent) reply(res, jsonAnswer(500, { message: String(err) }));
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 60_000;
  server.on("clientError", (_err, socket) => socket.destroy());

  /** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {string} domain */
  async function messages(req, res, domain) {
    counts.requests++;
    const raw = await readBody(req, MAX_BODY_BYTES);
    const { latencyMs, ...answer } = await answerMessages(req, raw, domain);
    if (latencyMs > 0) await sleep(latencyMs);
    if (!res.destroyed) reply(res, answer);
  }

  /**
   * @param {import("node:http").IncomingMessage} req @param {Buffer | null} raw @param {string} domain
   * @returns {Promise<Answer & { latencyMs: number }>}
   */
  async function answerMessages(req, raw, domain) {
    const latency = behaviours.global.latencyMs;
    if (req.headers.authorization !== expectedAuth) {
      counts.unauthorized++;
      return { status: 401, headers: { "content-type": "text/plain" }, body: "Forbidden", latencyMs: latency };
    }
    if (!knownDomains.has(domain.toLowerCase())) return { ...jsonAnswer(404, { message: `Domain not found: ${domain}` }), latencyMs: latency };
    if (raw === null) {
      counts.invalid++;
      return { ...jsonAnswer(413, { message: "Request Entity Too Large" }), latencyMs: latency };
    }
    const fields = await parseForm(req.headers["content-type"] ?? "", raw);
    const recipients = splitAddresses(fields?.to);
    const b = behaviours.for(recipients);
    // Decided on arrival, so failNext counts requests in the order they came in.
    if (b.failNext > 0 || (b.failureRate > 0 && Math.random() < b.failureRate)) {
      if (b.failNext > 0) b.failNext--;
      counts.failed++;
      return { ...failure(b.failureStatus), latencyMs: b.latencyMs };
    }
    const problem = fields === undefined ? "Bad Request: could not parse the form" : validate(fields, recipients);
    if (problem) {
      counts.invalid++;
      return { ...jsonAnswer(400, { message: problem }), latencyMs: b.latencyMs };
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const messageId = `${stamp}.${randomBytes(8).toString("hex")}@${domain}`;
    received.push({
      id: `<${messageId}>`,
      messageId,
      receivedAt: Date.now(),
      domain,
      authorization: String(req.headers.authorization),
      contentType: String(req.headers["content-type"]),
      fields: /** @type {Record<string, string | string[]>} */ (fields),
      recipients,
    });
    if (received.length > maxReceived) received.splice(0, received.length - Math.floor(maxReceived * 0.9));
    counts.accepted++;
    return { ...jsonAnswer(200, { id: `<${messageId}>`, message: "Queued. Thank you." }), latencyMs: b.latencyMs };
  }

  /** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {URL} url */
  async function control(req, res, url) {
    const to = url.searchParams.get("to") ?? undefined;
    if (url.pathname === "/__fake/received" && req.method === "GET") {
      return reply(res, jsonAnswer(200, to ? received.filter((m) => m.recipients.includes(to.toLowerCase())) : received));
    }
    if (url.pathname === "/__fake/reset" && req.method === "POST") {
      reset(to);
      return reply(res, jsonAnswer(200, { ok: true }));
    }
    if (url.pathname === "/__fake/behaviour" && req.method === "GET") {
      return reply(res, jsonAnswer(200, { ...behaviours.snapshot(), counts }));
    }
    if (url.pathname === "/__fake/behaviour" && req.method === "POST") {
      try {
        const patch = JSON.parse((await readBody(req, 64 * 1024))?.toString("utf8") || "{}");
        return reply(res, jsonAnswer(200, setBehaviour(pick(patch))));
      } catch (err) {
        return reply(res, jsonAnswer(400, { error: err instanceof Error ? err.message : String(err) }));
      }
    }
    reply(res, jsonAnswer(404, { error: "unknown fake endpoint" }));
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(undefined));
  });
  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  async function stop() {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
  return { port: actualPort, url: `http://127.0.0.1:${actualPort}`, received, counts, reset, setBehaviour, stop };
}

/**
 * undici's Request.formData() parses multipart and urlencoded bodies the way a server framework would.
 * @param {string} contentType @param {Buffer} raw
 * @returns {Promise<Record<string, string | string[]> | undefined>}
 */
async function parseForm(contentType, raw) {
  try {
    const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": contentType }, body: raw }).formData();
    /** @type {Record<string, string | string[]>} */
    const fields = {};
    for (const [name, value] of form.entries()) {
      const text = typeof value === "string" ? value : `[file ${value.name}]`;
      const prior = fields[name];
      fields[name] = prior === undefined ? text : [...(Array.isArray(prior) ? prior : [prior]), text];
    }
    return fields;
  } catch {
    return undefined;
  }
}

/** @param {string | string[] | undefined} to @returns {string[]} */
function splitAddresses(to) {
  const list = Array.isArray(to) ? to : to ? [to] : [];
  return list
    .flatMap((entry) => entry.split(","))
    .map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase())
    .filter(Boolean);
}

/** The checks Mailgun makes, with its messages. @param {Record<string, string | string[]>} f @param {string[]} recipients */
function validate(f, recipients) {
  for (const name of ["from", "to", "subject"]) if (!f[name]) return `${name} parameter is missing`;
  if (!f.text && !f.html && !f.template) return "Need at least one of 'text', 'html' or 'template' parameters specified";
  if (recipients.length === 0 || !recipients.every((r) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(r))) return "to parameter is not a valid address. please check documentation";
  return undefined;
}

/** @param {number} status @returns {Answer} */
function failure(status) {
  if (status === 401) return { status, headers: { "content-type": "text/plain" }, body: "Forbidden" };
  const answer = jsonAnswer(status, { message: status === 429 ? "Too many requests" : `simulated failure (${status})` });
  if (status === 429) answer.headers["retry-after"] = "1";
  return answer;
}

/** @param {Behaviour} b @returns {Behaviour} */
function validateBehaviour(b) {
  if (!(Number.isFinite(b.latencyMs) && b.latencyMs >= 0)) throw new Error(`latencyMs must be >= 0, got ${b.latencyMs}`);
  if (!(b.failureRate >= 0 && b.failureRate <= 1)) throw new Error(`failureRate must be in [0, 1], got ${b.failureRate}`);
  if (!(Number.isInteger(b.failureStatus) && b.failureStatus >= 400 && b.failureStatus <= 599))
    throw new Error(`failureStatus must be an HTTP error status, got ${b.failureStatus}`);
  if (!(Number.isInteger(b.failNext) && b.failNext >= 0)) throw new Error(`failNext must be an integer >= 0, got ${b.failNext}`);
  return { latencyMs: b.latencyMs, failureRate: b.failureRate, failureStatus: b.failureStatus, failNext: b.failNext };
}

/** @param {any} patch @returns {Partial<Behaviour> & { to?: string }} */
function pick(patch) {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new Error("behaviour must be a JSON object");
  /** @type {Partial<Behaviour> & { to?: string }} */
  const out = {};
  if (patch.to !== undefined) {
    if (typeof patch.to !== "string" || !patch.to) throw new Error("to must be an email address");
    out.to = patch.to;
  }
  for (const key of /** @type {(keyof Behaviour)[]} */ (["latencyMs", "failureRate", "failureStatus", "failNext"])) if (patch[key] !== undefined) out[key] = patch[key];
  return out;
}

/** @param {number} status @param {unknown} value @returns {Answer} */
const jsonAnswer = (status, value) => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
/** @param {import("node:http").ServerResponse} res @param {Answer} answer */
const reply = (res, { status, headers, body }) => res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) }).end(body);
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
