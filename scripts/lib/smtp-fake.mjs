import { createBehaviours } from "./fake-behaviour.mjs";
import { createServer } from "node:http";
import { dkimVerify } from "mailauth";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * @typedef {object} Behaviour
 * @property {number} latencyMs      delay before answering RCPT TO
 * @property {number} failureRate    fraction in [0, 1] of messages refused with failureStatus
 * @property {number} failureStatus  an SMTP reply code: 451, 452 (temporary), 550, 552, 554 (permanent)
 * @property {"rcpt" | "data"} failAt  refuse the recipient (RCPT TO) or the message (end of DATA)
 * @property {number} failNext       the next N messages fail, whatever failureRate is
 * @property {boolean} quoteRecipient  a refusal at RCPT TO quotes the address back, as Postfix does
 *   ("5.1.1 <ada@example.com>: Recipient address rejected: …")
 *
 * @typedef {{ domain: string, selector: string, publicKeyPem: string }} DkimKey
 * @typedef {(name: string) => string[] | undefined} DnsTxt  TXT records at a name, each whole
 *
 * @typedef {object} DkimVerdict
 * @property {string} domain          d=
 * @property {string | undefined} selector  s=
 * @property {string} result          mailauth's verdict: pass, fail, neutral, policy, temperror, none
 * @property {string} [comment]       why, when not pass
 * @property {string[]} signedHeaders the h= list, lowercased
 *
 * @typedef {object} InspectedMessage
 * @property {string} messageId        Message-ID without angle brackets
 * @property {{ address: string, name: string } | undefined} from
 * @property {{ address: string, name: string }[]} to
 * @property {string} subject          decoded
 * @property {string} text
 * @property {string} html
 * @property {Record<string, string>} headers  lowercased names, unfolded values, first occurrence
 * @property {DkimVerdict[]} dkim
 *
 * @typedef {InspectedMessage & {
 *   receivedAt: number, raw: string, recipients: string[], mailFrom: string, user: string | undefined,
 *   transport: "plain" | "starttls" | "implicit-tls"
 * }} ReceivedMail
 *
 * @typedef {object} SmtpFake
 * @property {number} port         plain, STARTTLS offered (port 587 style)
 * @property {number} tlsPort      implicit TLS (port 465 style)
 * @property {string} controlUrl   http://127.0.0.1:PORT of the /__fake/* endpoints
 * @property {ReceivedMail[]} received
 * @property {(to?: string) => void} reset
 * @property {(patch: Partial<Behaviour> & { to?: string }) => Behaviour} setBehaviour
 * @property {() => Promise<void>} stop
 */

const REPLIES = /** @type {Record<number, string>} */ ({
  421: "4.3.2 Service shutting down",
  450: "4.2.0 Mailbox temporarily unavailable",
  451: "4.3.0 Temporary local problem, try again later",
  452: "4.3.1 Insufficient system storage",
  550: "5.1.1 Mailbox unavailable",
  551: "5.1.6 User not local",
  552: "5.3.4 Message size exceeds fixed limit",
  553: "5.1.3 Mailbox name not allowed",
  554: "5.7.1 Message rejected as spam",
});

/**
 * A real SMTP server (smtp-server) that requires AUTH PLAIN/LOGIN, offers STARTTLS on `port` and
 * implicit TLS on `tlsPort`, and keeps every accepted message raw and parsed, with a DKIM verdict from
 * mailauth against the keys it was given (its DNS). Control endpoints, over HTTP on `controlUrl`, as
 * the SendGrid fake: GET /__fake/received[?to=], POST /__fake/reset[?to=], GET|POST /__fake/behaviour.
 *
 * @param {{ port?: number, tlsPort?: number, controlPort?: number, username?: string, password?: string,
 *   tls?: { key: string, cert: string }, dkimKeys?: DkimKey[], dnsTxt?: DnsTxt, latencyMs?: number, failureRate?: number,
 *   failureStatus?: number, maxReceived?: number }} [options]  without `tls`, no STARTTLS and no implicit-TLS port;
 *   `dnsTxt` answers the DKIM look-ups `dkimKeys` does not (the DNS fake's records, as a receiver would find them)
 * @returns {Promise<SmtpFake>}
 */
export async function startSmtpFake({
  port = 0,
  tlsPort = 0,
  controlPort = 0,
  username = "tidings",
  password = "smtp-secret",
  tls,
  dkimKeys = [],
  dnsTxt,
  latencyMs = 0,
  failureRate = 0,
  failureStatus = 451,
  maxReceived = 100_000,
} = {}) {
  const initial = validateBehaviour({ latencyMs, failureRate, failureStatus, failAt: "rcpt", failNext: 0, quoteRecipient: false });
  const behaviours = createBehaviours(initial, validateBehaviour);
  /** @type {ReceivedMail[]} */
  const received = [];

  /** Decides on arrival whether this recipient's message fails at `phase`. @param {string} to @param {"rcpt" | "data"} phase */
  function injectedFailure(to, phase) {
    const b = behaviours.for([to]);
    if (b.failAt !== phase) return { b, code: undefined };
    const fail = b.failNext > 0 || (b.failureRate > 0 && Math.random() < b.failureRate);
    if (b.failNext > 0) b.failNext--;
    return { b, code: fail ? b.failureStatus : undefined };
  }

  /** @type {import("smtp-server").SMTPServerOptions} */
  const common = {
    name: "smtp.fake.test",
    authMethods: ["PLAIN", "LOGIN"],
    disableReverseLookup: true,
    size: 25 * 1024 * 1024,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === username && auth.password === password) return callback(null, { user: username });
      callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      const { b, code } = injectedFailure(address.address, "rcpt");
      const quoted =
        code && b.quoteRecipient ? `${code >= 500 ? "5.1.1" : "4.2.0"} <${address.address}>: Recipient address rejected: User unknown in local recipient table` : undefined;
      setTimeout(() => callback(code ? smtpError(code, quoted) : undefined), b.latencyMs);
    },
    onData(stream, session, callback) {
      /** @type {Buffer[]} */
      const chunks = [];
      stream.on("data", (chunk) => chunks.push(chunk));
      stream.on("end", async () => {
        if (stream.sizeExceeded) return callback(smtpError(552));
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const code = recipients.map((r) => injectedFailure(r, "data").code).find(Boolean);
        if (code) return callback(smtpError(code));
        try {
          const raw = Buffer.concat(chunks).toString("utf8");
          const inspected = await inspectMessage(raw, dkimKeys, dnsTxt);
          const implicitAddress = implicit?.server.address();
          const transport = typeof implicitAddress === "object" && session.localPort === implicitAddress?.port ? "implicit-tls" : session.secure ? "starttls" : "plain";
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
          received.push({ ...inspected, receivedAt: Date.now(), raw, recipients, mailFrom, user: session.user, transport });
          if (received.length > maxReceived) received.splice(0, received.length - Math.floor(maxReceived * 0.9));
          callback(null, `2.0.0 Ok: queued as ${inspected.messageId}`);
        } catch (err) {
          callback(smtpError(451, `4.3.0 ${String(err)}`));
        }
      });
    },
  };
  // allowInsecureAuth: tests also cover plain-text SMTP on 127.0.0.1 (real submission servers refuse it).
  const plain = new SMTPServer({ ...common, secure: false, allowInsecureAuth: true, ...(tls ? { key: tls.key, cert: tls.cert } : { hideSTARTTLS: true }) });
  const implicit = tls ? new SMTPServer({ ...common, secure: true, key: tls.key, cert: tls.cert }) : undefined;
  for (const s of [plain, implicit]) s?.on("error", () => undefined); // a client hanging up mid-session is not our failure

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

  const control = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const to = url.searchParams.get("to") ?? undefined;
    /** @param {number} status @param {unknown} value */
    const json = (status, value) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (url.pathname === "/__fake/received" && req.method === "GET") return json(200, to ? received.filter((m) => m.recipients.includes(to.toLowerCase())) : received);
    if (url.pathname === "/__fake/reset" && req.method === "POST") {
      reset(to);
      return json(200, { ok: true });
    }
    if (url.pathname === "/__fake/behaviour" && req.method === "GET") return json(200, behaviours.snapshot());
    if (url.pathname === "/__fake/behaviour" && req.method === "POST") {
      try {
        /** @type {Buffer[]} */
        const chunks = [];
        for await (const chunk of req) chunks.push(chunk);
        const patch = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        if (typeof patch !== "object" || patch === null) throw new Error("behaviour must be a JSON object");
        const { to: scope, latencyMs, failureRate, failureStatus, failAt, failNext, quoteRecipient } = patch;
        const picked = Object.fromEntries(Object.entries({ latencyMs, failureRate, failureStatus, failAt, failNext, quoteRecipient }).filter(([, v]) => v !== undefined));
        return json(200, setBehaviour({ ...picked, ...(scope ? { to: String(scope) } : {}) }));
      } catch (err) {
        return json(400, { error: err instanceof Error ? err.message : String(err) });
      }
    }
    json(404, { error: "unknown fake endpoint" });
  });

  /** @param {{ listen: Function, once: Function, address: Function }} s @param {number} p @returns {Promise<number>} */
  const listen = (s, p) =>
    new Promise((resolve, reject) => {
      s.once("error", reject);
      s.listen(p, "127.0.0.1", () => resolve(s.address().port));
    });
  const actualPort = await listen(plain.server, port);
  const actualTlsPort = implicit ? await listen(implicit.server, tlsPort) : 0;
  const actualControlPort = await listen(control, controlPort);

  async function stop() {
    control.closeAllConnections();
    await Promise.all([
      new Promise((resolve) => control.close(() => resolve(undefined))),
      ...[plain, implicit].map((s) => s && new Promise((resolve) => s.close(() => resolve(undefined)))),
    ]);
  }
  return { port: actualPort, tlsPort: actualTlsPort, controlUrl: `http://127.0.0.1:${actualControlPort}`, received, reset, setBehaviour, stop };
}

/**
 * Parses a raw message with mailparser and verifies its DKIM signatures with mailauth, answering DNS
 * look-ups for `selector._domainkey.domain` from `dkimKeys`, then from `dnsTxt` (no real DNS in tests).
 * @param {string} raw
 * @param {DkimKey[]} dkimKeys
 * @param {DnsTxt} [dnsTxt]
 * @returns {Promise<InspectedMessage>}
 */
export async function inspectMessage(raw, dkimKeys, dnsTxt) {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  /** @type {Record<string, string>} */
  const headers = {};
  for (const { key, line } of parsed.headerLines)
    headers[key] ??= line
      .slice(line.indexOf(":") + 1)
      .replace(/\r?\n[ \t]/g, " ")
      .trim();
  const records = new Map(dkimKeys.map((k) => [`${k.selector}._domainkey.${k.domain}`.toLowerCase(), `v=DKIM1; k=rsa; p=${k.publicKeyPem.replace(/-----[^-]+-----|\s/g, "")}`]));
  const { results } = await dkimVerify(raw, {
    /** @param {string} name @param {string} type */
    resolver: async (name, type) => {
      const record = type === "TXT" ? records.get(name.toLowerCase()) : undefined;
      if (record) return [[record]];
      const published = type === "TXT" ? dnsTxt?.(name) : undefined;
      if (published?.length) return published.map((r) => [r]);
      throw Object.assign(new Error(`no ${type} record for ${name}`), { code: "ENOTFOUND" });
    },
  });
  const toList = [parsed.to ?? []].flat().flatMap((a) => a.value);
  return {
    messageId: (parsed.messageId ?? "").replace(/^<|>$/g, ""),
    from: parsed.from?.value[0] ? { address: parsed.from.value[0].address ?? "", name: parsed.from.value[0].name } : undefined,
    to: toList.map((a) => ({ address: a.address ?? "", name: a.name })),
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : "",
    headers,
    dkim: results
      .filter((r) => r.signingDomain)
      .map((r) => ({
        domain: r.signingDomain ?? "",
        selector: r.selector,
        result: r.status.result,
        ...(r.status.comment ? { comment: String(r.status.comment) } : {}),
        signedHeaders: String(/** @type {{ signingHeaders?: { keys?: string } }} */ (r).signingHeaders?.keys ?? "")
          .split(":")
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      })),
  };
}

/** @param {number} code @param {string} [message] */
function smtpError(code, message) {
  return Object.assign(new Error(message ?? REPLIES[code] ?? (code >= 500 ? "5.0.0 Rejected" : "4.0.0 Try again later")), { responseCode: code });
}

/** @param {Behaviour} b @returns {Behaviour} */
function validateBehaviour(b) {
  if (!(Number.isFinite(b.latencyMs) && b.latencyMs >= 0)) throw new Error(`latencyMs must be >= 0, got ${b.latencyMs}`);
  if (!(b.failureRate >= 0 && b.failureRate <= 1)) throw new Error(`failureRate must be in [0, 1], got ${b.failureRate}`);
  if (!(Number.isInteger(b.failureStatus) && b.failureStatus >= 400 && b.failureStatus <= 599))
    throw new Error(`failureStatus must be an SMTP 4xx/5xx code, got ${b.failureStatus}`);
  if (b.failAt !== "rcpt" && b.failAt !== "data") throw new Error(`failAt must be "rcpt" or "data", got ${b.failAt}`);
  if (!(Number.isInteger(b.failNext) && b.failNext >= 0)) throw new Error(`failNext must be an integer >= 0, got ${b.failNext}`);
  if (typeof b.quoteRecipient !== "boolean") throw new Error(`quoteRecipient must be a boolean, got ${b.quoteRecipient}`);
  return { latencyMs: b.latencyMs, failureRate: b.failureRate, failureStatus: b.failureStatus, failAt: b.failAt, failNext: b.failNext, quoteRecipient: b.quoteRecipient };
}
