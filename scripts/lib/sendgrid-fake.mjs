import { createBehaviours, readBody } from "./fake-behaviour.mjs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";

/**
 * @typedef {object} Behaviour
 * @property {number} latencyMs      delay before every /v3 answer
 * @property {number} failureRate    fraction in [0, 1] of sends answered with failureStatus
 * @property {number} failureStatus  e.g. 500, 503, 429 (429 adds rate-limit headers)
 * @property {number} failNext       the next N sends fail with failureStatus, whatever failureRate is
 * @property {boolean} omitMessageId  accept (202) without an X-Message-Id header, as SendGrid has been seen to
 *
 * @typedef {object} ReceivedMail
 * @property {string} messageId   the X-Message-Id answered
 * @property {number} receivedAt  Date.now() when accepted
 * @property {Record<string, string | string[] | undefined>} headers  lowercased names
 * @property {any} body           the parsed JSON request body
 *
 * @typedef {object} Counts
 * @property {number} requests      every POST /v3/mail/send
 * @property {number} accepted      202 / sandbox 200
 * @property {number} failed        injected failures
 * @property {number} unauthorized  401
 * @property {number} invalid       400 / 413
 *
 * @typedef {{ status: number, headers: Record<string, string>, body: string }} Answer
 *
 * @typedef {object} SendGridFake
 * @property {number} port
 * @property {string} url          base URL, e.g. http://127.0.0.1:PORT (the API is at /v3/...)
 * @property {ReceivedMail[]} received  accepted sends, oldest first; cleared in place by reset()
 * @property {Counts} counts
 * @property {(to?: string) => void} reset  clears received, counts and behaviours (or only `to`'s mail and behaviour)
 * @property {(patch: Partial<Behaviour> & { to?: string }) => Behaviour} setBehaviour
 *   global, or with `to` only for mail addressed to that recipient
 * @property {() => Promise<void>} stop
 */

const MAX_BODY_BYTES = 30 * 1024 * 1024; // SendGrid's limit for the whole request
const RATE_LIMIT_WINDOW_S = 1;

const UNAUTHORIZED_BODY = JSON.stringify({
  errors: [{ message: "The provided authorization grant is invalid, expired, or revoked", field: null, help: null }],
});

/**
 * An in-process stand-in for SendGrid's v3 Mail Send API, with knobs for latency and failures.
 * Tests running inside workerd reach it only over HTTP, hence the /__fake/* endpoints:
 *   GET  /__fake/received[?to=email]  accepted sends (JSON array), optionally for one recipient
 *   POST /__fake/reset[?to=email]     same as reset()
 *   GET  /__fake/behaviour            global behaviour, per-recipient ones, counts
 *   POST /__fake/behaviour            JSON patch, same as setBehaviour() (`to` scopes it)
 *
 * @param {{ port?: number, apiKey?: string, latencyMs?: number, failureRate?: number, failureStatus?: number, maxReceived?: number }} [options]
 *   maxReceived: keep at most this many records, dropping the oldest (each costs several KiB, and
 *   a long benchmark at thousands a second would otherwise exhaust memory); counts keep counting.
 * @returns {Promise<SendGridFake>}
 */
export async function startSendGridFake({ port = 0, apiKey = "SG.test-key", latencyMs = 0, failureRate = 0, failureStatus = 500, maxReceived = 100_000 } = {}) {
  const initial = validateBehaviour({ latencyMs, failureRate, failureStatus, failNext: 0, omitMessageId: false });
  const behaviours = createBehaviours(initial, validateBehaviour);
  const expectedAuth = `Bearer ${apiKey}`;
  /** @type {ReceivedMail[]} */
  const received = [];
  const counts = { requests: 0, accepted: 0, failed: 0, unauthorized: 0, invalid: 0 };

  /** @param {string} [to]  only this recipient's records and behaviour */
  function reset(to) {
    if (to) {
      const keep = received.filter((m) => !addressedTo(m.body, to));
      received.splice(0, received.length, ...keep);
      behaviours.reset(to);
      return;
    }
    received.length = 0; // in place: callers may hold the array
    for (const key of Object.keys(counts)) counts[/** @type {keyof Counts} */ (key)] = 0;
    behaviours.reset();
  }

  /**
   * With `to`, the patch applies only to sends addressed to that recipient (over the start-up
   * behaviour, not the current global one); without, it changes the global behaviour.
   * @param {Partial<Behaviour> & { to?: string }} patch
   */
  const setBehaviour = (patch) => behaviours.set(patch);

  /** The scoped behaviour of the first recipient that has one, else the global one. @param {any} body */
  function behaviourFor(body) {
    if (!isObject(body) || !Array.isArray(body.personalizations)) return behaviours.global;
    const addresses = body.personalizations.flatMap((/** @type {any} */ p) =>
      ["to", "cc", "bcc"].flatMap((kind) =>
        (isObject(p) && Array.isArray(p[kind]) ? p[kind] : []).flatMap((/** @type {any} */ r) => (isObject(r) && typeof r.email === "string" ? [r.email] : [])),
      ),
    );
    return behaviours.for(addresses);
  }

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? "/").split("?", 1)[0];
      if (path === "/v3/mail/send" && req.method === "POST") return await mailSend(req, res);
      if (path.startsWith("/__fake/")) return await control(req, res, path);
      json(res, 404, { errors: [{ field: null, message: "not found" }] });
    } catch (err) {
      if (!res.headersSent) json(res, 500, { errors: [{ field: null, message: String(err) }] });
      else res.destroy();
    }
  });
  // Benchmarks hold many keep-alive connections; reusing them beats reconnecting per request.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on("clientError", (_err, socket) => socket.destroy());

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   */
  async function mailSend(req, res) {
    counts.requests++;
    const raw = await readBody(req, MAX_BODY_BYTES);
    // Decide the outcome on arrival, so failNext counts requests in the order they came in and a
    // behaviour change during the delay does not apply to requests already being answered.
    const { status, headers, body, latencyMs } = answerMailSend(req, raw);
    if (latencyMs > 0) await sleep(latencyMs);
    if (res.destroyed) return;
    // An explicit length keeps Node from switching to chunked encoding for tiny bodies.
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(status, headers).end(body);
  }

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {Buffer | null} raw  null when the body was too large
   * @returns {Answer & { latencyMs: number }}
   */
  function answerMailSend(req, raw) {
    const globalLatency = behaviours.global.latencyMs;
    if (req.headers.authorization !== expectedAuth) {
      counts.unauthorized++;
      return { ...jsonAnswer(401, UNAUTHORIZED_BODY), latencyMs: globalLatency };
    }
    if (raw === null) {
      counts.invalid++;
      return { ...jsonAnswer(413, { errors: [{ field: null, message: "Payload Too Large" }] }), latencyMs: globalLatency };
    }

    let body;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      body = undefined;
    }
    const b = behaviourFor(body);

    // Injected failures come before validation: an outage answers 5xx whatever was sent.
    let fail = false;
    if (b.failNext > 0) {
      b.failNext--;
      fail = true;
    } else if (b.failureRate > 0 && Math.random() < b.failureRate) {
      fail = true;
    }
    if (fail) {
      counts.failed++;
      return { ...failure(b.failureStatus), latencyMs: b.latencyMs };
    }

    const errors = body === undefined ? [{ field: null, message: "Bad Request", help: null }] : validateMail(body);
    if (errors.length > 0) {
      counts.invalid++;
      return { ...jsonAnswer(400, { errors }), latencyMs: b.latencyMs };
    }

    const messageId = randomBytes(16).toString("base64url"); // 22 characters, like SendGrid's
    received.push({ messageId, receivedAt: Date.now(), headers: { ...req.headers }, body });
    // Trim a tenth at a time so the O(n) splice happens rarely.
    if (received.length > maxReceived) received.splice(0, received.length - Math.floor(maxReceived * 0.9));
    counts.accepted++;
    // Sandbox mode validates but does not queue: SendGrid answers 200 instead of 202.
    const status = body.mail_settings?.sandbox_mode?.enable === true ? 200 : 202;
    return { status, headers: b.omitMessageId ? {} : { "x-message-id": messageId }, body: "", latencyMs: b.latencyMs };
  }

  /**
   * @param {number} status
   * @returns {Answer}
   */
  function failure(status) {
    const answer = jsonAnswer(status, { errors: [{ field: null, message: status === 429 ? "too many requests" : `simulated failure (${status})` }] });
    if (status === 429) {
      answer.headers["retry-after"] = String(RATE_LIMIT_WINDOW_S);
      answer.headers["x-ratelimit-limit"] = "600";
      answer.headers["x-ratelimit-remaining"] = "0";
      // Epoch seconds, as SendGrid sends it.
      answer.headers["x-ratelimit-reset"] = String(Math.ceil(Date.now() / 1000) + RATE_LIMIT_WINDOW_S);
    }
    return answer;
  }

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   * @param {string} path
   */
  async function control(req, res, path) {
    const to = new URL(req.url ?? "/", "http://fake").searchParams.get("to") ?? undefined;
    if (path === "/__fake/received" && req.method === "GET") {
      return json(res, 200, to ? received.filter((m) => addressedTo(m.body, to)) : received);
    }
    if (path === "/__fake/reset" && req.method === "POST") {
      reset(to);
      return json(res, 200, { ok: true });
    }
    if (path === "/__fake/behaviour" && req.method === "GET") {
      return json(res, 200, { ...behaviours.snapshot(), counts });
    }
    if (path === "/__fake/behaviour" && req.method === "POST") {
      const raw = await readBody(req, 64 * 1024);
      try {
        const patch = JSON.parse(raw?.toString("utf8") || "{}");
        return json(res, 200, setBehaviour(pick(patch)));
      } catch (err) {
        return json(res, 400, { error: err instanceof Error ? err.message : String(err) });
      }
    }
    json(res, 404, { error: "unknown fake endpoint" });
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port;

  async function stop() {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }

  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    received,
    counts,
    reset,
    setBehaviour,
    stop,
  };
}

/**
 * The checks SendGrid makes that a client of ours could plausibly get wrong; fields and messages
 * follow SendGrid's error list (api-reference/mail-send/errors), shortened.
 * @param {any} body
 * @returns {{ field: string | null, message: string }[]}
 */
function validateMail(body) {
  /** @type {{ field: string | null, message: string }[]} */
  const errors = [];
  if (!isObject(body)) return [{ field: null, message: "Bad Request" }];

  const personalizations = body.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    errors.push({ field: "personalizations", message: "You must have at least one personalization." });
  } else {
    personalizations.forEach((p, i) => {
      if (!isObject(p) || !Array.isArray(p.to) || p.to.length === 0) {
        errors.push({
          field: `personalizations.${i}.to`,
          message: "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
        });
        return;
      }
      for (const kind of ["to", "cc", "bcc"]) {
        if (p[kind] === undefined) continue;
        if (!Array.isArray(p[kind])) {
          errors.push({ field: `personalizations.${i}.${kind}`, message: "Invalid type. Expected: array." });
          continue;
        }
        p[kind].forEach((/** @type {any} */ r, j) => {
          if (!isObject(r) || !isEmail(r.email)) {
            errors.push({ field: `personalizations.${i}.${kind}.${j}.email`, message: "Does not contain a valid address." });
          }
        });
      }
    });
  }

  if (!isObject(body.from) || !isEmail(body.from.email)) {
    errors.push({
      field: "from.email",
      message: "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.",
    });
  }

  const everyPersonalizationHasSubject = Array.isArray(personalizations) && personalizations.length > 0 && personalizations.every((p) => isObject(p) && nonEmptyString(p.subject));
  if (!nonEmptyString(body.subject) && !everyPersonalizationHasSubject) {
    errors.push({
      field: "subject",
      message: "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
    });
  }

  const content = body.content;
  if (!Array.isArray(content) || content.length === 0) {
    errors.push({
      field: "content",
      message: "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.",
    });
  } else {
    content.forEach((c, i) => {
      if (!isObject(c) || !nonEmptyString(c.type)) {
        errors.push({ field: `content.${i}.type`, message: "The content type must be a string at least one character in length." });
      } else if (!nonEmptyString(c.value)) {
        errors.push({ field: `content.${i}.value`, message: "The content value must be a string at least one character in length." });
      }
    });
    const types = content.map((c) => (isObject(c) ? c.type : undefined));
    const plain = types.indexOf("text/plain");
    if (plain > 0) {
      errors.push({
        field: `content.${plain}.type`,
        message: "The text/plain content type must be first, followed by any other content types.",
      });
    }
  }
  return errors;
}

/** @param {any} body @param {string} email */
function addressedTo(body, email) {
  const wanted = email.toLowerCase();
  for (const p of body.personalizations ?? []) {
    for (const kind of ["to", "cc", "bcc"]) {
      for (const r of p[kind] ?? []) if (String(r.email).toLowerCase() === wanted) return true;
    }
  }
  return false;
}

/**
 * Rejects values that would make the fake behave nonsensically rather than clamping them
 * silently, so a typo in a test shows up at once.
 * @param {Behaviour} b
 * @returns {Behaviour}
 */
function validateBehaviour(b) {
  if (!(Number.isFinite(b.latencyMs) && b.latencyMs >= 0)) throw new Error(`latencyMs must be >= 0, got ${b.latencyMs}`);
  if (!(b.failureRate >= 0 && b.failureRate <= 1)) throw new Error(`failureRate must be in [0, 1], got ${b.failureRate}`);
  if (!(Number.isInteger(b.failureStatus) && b.failureStatus >= 400 && b.failureStatus <= 599)) {
    throw new Error(`failureStatus must be an HTTP error status, got ${b.failureStatus}`);
  }
  if (!(Number.isInteger(b.failNext) && b.failNext >= 0)) throw new Error(`failNext must be an integer >= 0, got ${b.failNext}`);
  if (typeof b.omitMessageId !== "boolean") throw new Error(`omitMessageId must be a boolean, got ${b.omitMessageId}`);
  return { latencyMs: b.latencyMs, failureRate: b.failureRate, failureStatus: b.failureStatus, failNext: b.failNext, omitMessageId: b.omitMessageId };
}

/**
 * Only the known keys from an untrusted JSON patch.
 * @param {any} patch
 * @returns {Partial<Behaviour> & { to?: string }}
 */
function pick(patch) {
  /** @type {Partial<Behaviour> & { to?: string }} */
  const out = {};
  if (!isObject(patch)) throw new Error("behaviour must be a JSON object");
  if (patch.to !== undefined) {
    if (typeof patch.to !== "string" || !patch.to) throw new Error("to must be an email address");
    out.to = patch.to;
  }
  for (const key of /** @type {(keyof Behaviour)[]} */ (["latencyMs", "failureRate", "failureStatus", "failNext", "omitMessageId"])) {
    if (patch[key] !== undefined) out[key] = patch[key];
  }
  return out;
}

/**
 * @param {number} status
 * @param {unknown} value  serialised unless already a string
 * @returns {Answer}
 */
function jsonAnswer(status, value) {
  const body = typeof value === "string" ? value : JSON.stringify(value);
  return { status, headers: { "content-type": "application/json" }, body };
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function json(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** @param {unknown} v @returns {v is Record<string, any>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** @param {unknown} v @returns {v is string} */
const nonEmptyString = (v) => typeof v === "string" && v.length > 0;
// Deliberately loose, like SendGrid's own check: one @, something on each side, a dot after it.
/** @param {unknown} v */
const isEmail = (v) => typeof v === "string" && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
