import { createBehaviours } from "./fake-behaviour.mjs";
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { inspectMessage } from "./smtp-fake.mjs";

/**
 * @typedef {object} Behaviour
 * @property {number} latencyMs      delay before every SendEmail answer
 * @property {number} failureRate    fraction in [0, 1] of sends answered with failureStatus
 * @property {number} failureStatus  e.g. 429, 500, 503, 400
 * @property {string} [failureType]  the SES error type to answer with; by default one that fits the status
 * @property {number} failNext       the next N sends fail, whatever failureRate is
 *
 * @typedef {object} ReceivedMail
 * @property {string} messageId     the MessageId answered
 * @property {number} receivedAt
 * @property {string} accessKeyId   from the verified Authorization header
 * @property {string[]} signedHeaders
 * @property {any} body             the JSON request, Raw.Data left out (see `raw`)
 * @property {string} raw           the decoded Raw.Data
 * @property {string[]} recipients  Destination addresses, lowercased
 * @property {import("./smtp-fake.mjs").InspectedMessage} message  parsed, with DKIM verdicts
 *
 * @typedef {{ status: number, headers: Record<string, string>, body: string }} Answer
 *
 * @typedef {object} SesFake
 * @property {number} port
 * @property {string} url   the endpoint, e.g. http://127.0.0.1:PORT (SendEmail is POST /v2/email/outbound-emails)
 * @property {ReceivedMail[]} received
 * @property {(to?: string) => void} reset
 * @property {(patch: Partial<Behaviour> & { to?: string }) => Behaviour} setBehaviour
 * @property {() => Promise<void>} stop
 */

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const DEFAULT_TYPES = /** @type {Record<number, string>} */ ({
  400: "MessageRejected",
  403: "AccessDeniedException",
  404: "NotFoundException",
  429: "TooManyRequestsException",
  500: "InternalFailure",
  503: "ServiceUnavailable",
});
const MAX_SKEW_MS = 15 * 60 * 1000;
const TAG = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * A stand-in for Amazon SES v2 `SendEmail` that checks the SigV4 signature the way AWS does (it
 * recomputes the canonical request, string to sign and signing key from its own copy of the secret),
 * decodes Raw content and runs it through the SMTP fake's inspection (mailparser + mailauth DKIM).
 * Control endpoints as the SendGrid fake: /__fake/received[?to=], /__fake/reset[?to=], /__fake/behaviour.
 *
 * @param {{ port?: number, accessKeyId?: string, secretAccessKey?: string, region?: string, verifiedIdentities?: string[],
 *   configurationSets?: string[], dkimKeys?: import("./smtp-fake.mjs").DkimKey[], latencyMs?: number, failureRate?: number,
 *   failureStatus?: number, maxReceived?: number }} [options]  verifiedIdentities: domains or addresses allowed as senders
 * @returns {Promise<SesFake>}
 */
export async function startSesFake({
  port = 0,
  accessKeyId = "AKIDTIDINGSTEST",
  secretAccessKey = "ses-test-secret",
  region = "us-east-1",
  verifiedIdentities = ["acme.test"],
  configurationSets = ["tidings"],
  dkimKeys = [],
  latencyMs = 0,
  failureRate = 0,
  failureStatus = 500,
  maxReceived = 100_000,
} = {}) {
  const initial = validateBehaviour({ latencyMs, failureRate, failureStatus, failNext: 0 });
  const behaviours = createBehaviours(initial, validateBehaviour);
  /** @type {ReceivedMail[]} */
  const received = [];
  const identities = new Set(verifiedIdentities.map((i) => i.toLowerCase()));

  /** @param {string} [to] */
  function reset(to) {
    if (to) {
      received.splice(0, received.length, ...received.filter((m) => !m.recipients.includes(to.toLowerCase())));
      behaviours.reset(to);
      return;
    }
    received.length = 0;
    behaviours.reset();
  }

  /** @param {Partial<Behaviour> & { to?: string }} patch */
  const setBehaviour = (patch) => behaviours.set(patch);

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      const body = await readBody(req);
      if (url.pathname.startsWith("/__fake/")) return reply(res, control(req.method ?? "GET", url, body));
      if (url.pathname !== "/v2/email/outbound-emails" || req.method !== "POST") return reply(res, sesError(404, "NotFoundException", "Not Found"));
      const { latencyMs, ...answer } = await sendEmail(req, body);
      if (latencyMs > 0) await sleep(latencyMs);
      if (!res.destroyed) reply(res, answer);
    } catch (err) {
      if (!res.headersSent) reply(res, sesError(500, "InternalFailure", String(err)));
      else res.destroy();
    }
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  /** @param {import("node:http").IncomingMessage} req @param {Buffer} raw @returns {Promise<Answer & { latencyMs: number }>} */
  async function sendEmail(req, raw) {
    const latency = behaviours.global.latencyMs;
    const auth = verifySigV4(req, raw, { accessKeyId, secretAccessKey, region, service: "ses", now: Date.now() });
    if (!auth.ok) return { ...sesError(auth.status, auth.type, auth.message), latencyMs: latency };
    let request;
    try {
      request = JSON.parse(raw.toString("utf8"));
    } catch {
      return { ...sesError(400, "BadRequestException", "Could not parse the request body as JSON"), latencyMs: latency };
    }
    const recipients = ["ToAddresses", "CcAddresses", "BccAddresses"].flatMap((k) => request?.Destination?.[k] ?? []).map((a) => String(a).toLowerCase());
    const b = behaviours.for(recipients);
    if (b.failNext > 0 || (b.failureRate > 0 && Math.random() < b.failureRate)) {
      if (b.failNext > 0) b.failNext--;
      const type = b.failureType ?? DEFAULT_TYPES[b.failureStatus] ?? "InternalFailure";
      return { ...sesError(b.failureStatus, type, `Simulated ${type}`), latencyMs: b.latencyMs };
    }
    const data = request?.Content?.Raw?.Data;
    if (typeof data !== "string" || data.length === 0)
      return { ...sesError(400, "BadRequestException", "Content.Raw.Data is required (this fake only takes Raw content)"), latencyMs: b.latencyMs };
    for (const tag of request.EmailTags ?? []) {
      if (!TAG.test(tag?.Name ?? "") || !TAG.test(tag?.Value ?? ""))
        return {
          ...sesError(400, "BadRequestException", `Invalid tag ${JSON.stringify(tag)}: only ASCII letters, digits, '_' and '-' are allowed, at most 256 characters`),
          latencyMs: b.latencyMs,
        };
    }
    if (request.ConfigurationSetName && !configurationSets.includes(request.ConfigurationSetName))
      return { ...sesError(404, "NotFoundException", `Configuration set <${request.ConfigurationSetName}> does not exist.`), latencyMs: b.latencyMs };
    const mime = Buffer.from(data, "base64").toString("utf8");
    const message = await inspectMessage(mime, dkimKeys);
    const sender = String(request.FromEmailAddress ?? message.from?.address ?? "").toLowerCase();
    if (!identities.has(sender) && !identities.has(sender.split("@")[1] ?? "")) {
      return {
        ...sesError(400, "MessageRejected", `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${sender}`),
        latencyMs: b.latencyMs,
      };
    }
    if (recipients.length === 0) recipients.push(...message.to.map((a) => a.address.toLowerCase()));
    const messageId = `0100${Date.now().toString(16).padStart(12, "0")}-${randomUUID()}-000000`;
    const { Content: _content, ...rest } = request;
    received.push({ messageId, receivedAt: Date.now(), accessKeyId: auth.accessKeyId, signedHeaders: auth.signedHeaders, body: rest, raw: mime, recipients, message });
    if (received.length > maxReceived) received.splice(0, received.length - Math.floor(maxReceived * 0.9));
    return {
      status: 200,
      headers: { "content-type": "application/json", "x-amzn-requestid": randomUUID() },
      body: JSON.stringify({ MessageId: messageId }),
      latencyMs: b.latencyMs,
    };
  }

  /** @param {string} method @param {URL} url @param {Buffer} body @returns {Answer} */
  function control(method, url, body) {
    const to = url.searchParams.get("to") ?? undefined;
    const json = (/** @type {number} */ status, /** @type {unknown} */ value) => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
    if (url.pathname === "/__fake/received" && method === "GET") return json(200, to ? received.filter((m) => m.recipients.includes(to.toLowerCase())) : received);
    if (url.pathname === "/__fake/reset" && method === "POST") {
      reset(to);
      return json(200, { ok: true });
    }
    if (url.pathname === "/__fake/behaviour" && method === "GET") return json(200, behaviours.snapshot());
    if (url.pathname === "/__fake/behaviour" && method === "POST") {
      try {
        const patch = JSON.parse(body.toString("utf8") || "{}");
        const { to: scope, latencyMs, failureRate, failureStatus, failureType, failNext } = patch ?? {};
        const picked = Object.fromEntries(Object.entries({ latencyMs, failureRate, failureStatus, failureType, failNext }).filter(([, v]) => v !== undefined));
        return json(200, setBehaviour({ ...picked, ...(scope ? { to: String(scope) } : {}) }));
      } catch (err) {
        return json(400, { error: err instanceof Error ? err.message : String(err) });
      }
    }
    return json(404, { error: "unknown fake endpoint" });
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
  return { port: actualPort, url: `http://127.0.0.1:${actualPort}`, received, reset, setBehaviour, stop };
}

/**
 * AWS Signature Version 4, checked as the service does: parse the Authorization header, rebuild the
 * canonical request from what arrived (method, path, query, the signed headers, the body's SHA-256),
 * derive the signing key from our copy of the secret and compare signatures in constant time.
 * @param {import("node:http").IncomingMessage} req @param {Buffer} body
 * @param {{ accessKeyId: string, secretAccessKey: string, region: string, service: string, now: number }} expected
 * @returns {{ ok: true, accessKeyId: string, signedHeaders: string[] } | { ok: false, status: number, type: string, message: string }}
 */
export function verifySigV4(req, body, expected) {
  const fail = (/** @type {string} */ type, /** @type {string} */ message) => ({ ok: /** @type {const} */ (false), status: 403, type, message });
  const header = req.headers.authorization;
  if (!header) return fail("MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(header);
  if (!m) return fail("IncompleteSignatureException", `Authorization header is not a valid AWS4-HMAC-SHA256 header: ${header.slice(0, 80)}`);
  const [, keyId, date, region, service, signedList, signature] = /** @type {string[]} */ (m);
  if (keyId !== expected.accessKeyId) return fail("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (region !== expected.region) return fail("InvalidSignatureException", `Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== expected.service) return fail("InvalidSignatureException", `Credential should be scoped to correct service: '${expected.service}'.`);
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!stamp) return fail("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (amzDate.slice(0, 8) !== date)
    return fail("InvalidSignatureException", `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}'`);
  const signedAt = Date.UTC(+stamp[1], +stamp[2] - 1, +stamp[3], +stamp[4], +stamp[5], +stamp[6]);
  if (Math.abs(expected.now - signedAt) > MAX_SKEW_MS)
    return fail("InvalidSignatureException", `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes.`);
  const signedHeaders = signedList.split(";");
  if (!signedHeaders.includes("host")) return fail("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");

  const [rawPath = "/", rawQuery = ""] = (req.url ?? "/").split("?", 2);
  // Non-S3 services encode each path segment twice: once on the wire, once more here.
  const canonicalUri = rawPath.split("/").map(encodeRfc3986).join("/");
  const canonicalQuery = rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=", 2).map((p) => encodeRfc3986(decodeURIComponent((p ?? "").replace(/\+/g, " ")))))
    .sort(([k1 = "", v1 = ""], [k2 = "", v2 = ""]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([k, v = ""]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${[req.headersDistinct[name] ?? []]
          .flat()
          .map((v) => v.trim().replace(/\s+/g, " "))
          .join(",")}\n`,
    )
    .join("");
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedList, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
  const hmac = (/** @type {Buffer | string} */ key, /** @type {string} */ data) => createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${expected.secretAccessKey}`, date), region), service), "aws4_request");
  const computed = Buffer.from(createHmac("sha256", signingKey).update(stringToSign).digest("hex"));
  if (!timingSafeEqual(computed, Buffer.from(signature))) return fail("InvalidSignatureException", SIGNATURE_MISMATCH);
  return { ok: true, accessKeyId: keyId, signedHeaders };
}

/** @param {string} s */
const encodeRfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** REST-JSON errors: the type in `x-amzn-ErrorType`, a `message` in the body. @param {number} status @param {string} type @param {string} message @returns {Answer} */
function sesError(status, type, message) {
  const headers = { "content-type": "application/json", "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.sesv2/`, "x-amzn-requestid": randomUUID() };
  return { status, headers: status === 429 ? { ...headers, "retry-after": "1" } : headers, body: JSON.stringify({ message }) };
}

/** @param {Behaviour} b @returns {Behaviour} */
function validateBehaviour(b) {
  if (!(Number.isFinite(b.latencyMs) && b.latencyMs >= 0)) throw new Error(`latencyMs must be >= 0, got ${b.latencyMs}`);
  if (!(b.failureRate >= 0 && b.failureRate <= 1)) throw new Error(`failureRate must be in [0, 1], got ${b.failureRate}`);
  if (!(Number.isInteger(b.failureStatus) && b.failureStatus >= 400 && b.failureStatus <= 599))
    throw new Error(`failureStatus must be an HTTP error status, got ${b.failureStatus}`);
  if (b.failureType !== undefined && !/^[A-Za-z]+$/.test(b.failureType)) throw new Error(`failureType must be an SES error name, got ${b.failureType}`);
  if (!(Number.isInteger(b.failNext) && b.failNext >= 0)) throw new Error(`failNext must be an integer >= 0, got ${b.failNext}`);
  return { latencyMs: b.latencyMs, failureRate: b.failureRate, failureStatus: b.failureStatus, failNext: b.failNext, ...(b.failureType ? { failureType: b.failureType } : {}) };
}

/** @param {import("node:http").IncomingMessage} req @returns {Promise<Buffer>} */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** @param {import("node:http").ServerResponse} res @param {Answer} answer */
const reply = (res, { status, headers, body }) => res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) }).end(body);
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
