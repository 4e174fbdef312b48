import { readBody } from "./fake-behaviour.mjs";
import { createServer } from "node:http";

/**
 * @typedef {"servfail" | "http-502" | "hang"} Failure
 *   servfail: a dns-json answer with Status 2; http-502: the resolver itself fails; hang: no answer at all
 *
 * @typedef {object} DnsFake
 * @property {string} url         the resolver, e.g. http://127.0.0.1:PORT/dns-query (what DNS_RESOLVER_URL names)
 * @property {string} controlUrl  http://127.0.0.1:PORT of the /__fake/* endpoints
 * @property {(name: string) => string[] | undefined} txt  the TXT records at a name, each as its whole text
 * @property {(name: string, records: string[] | null) => void} setTxt  replaces (or with null, removes) a name's TXT records
 * @property {() => Promise<void>} stop
 */

const TXT = 16;

/** Names compare without case and without the root's trailing dot, as DNS compares them. @param {string} name */
const normal = (name) => name.toLowerCase().replace(/\.$/, "");

/**
 * A record's text as the JSON API writes it: quoted strings of at most 255 characters (RFC 1035
 * character-strings), `"` and `\` escaped, separated by spaces, as Cloudflare answers a long TXT.
 * @param {string} text
 */
export function txtData(text) {
  const strings = text.match(/[\s\S]{1,255}/g) ?? [""];
  return strings.map((s) => `"${s.replace(/[\\"]/g, "\\$&")}"`).join(" ");
}

/**
 * A DNS-over-HTTPS resolver that speaks the JSON API (`GET /dns-query?name=…&type=TXT` with
 * `Accept: application/dns-json`, answering `{ Status, TC, RD, RA, AD, CD, Question, Answer }`) from
 * records held in memory: no real DNS in tests. A name without records is NXDOMAIN (Status 3).
 * Control endpoints, for tests inside workerd:
 *   POST /__fake/records    JSON { name, txt: string[] | null }   set (null: remove) a name's TXT records
 *   POST /__fake/behaviour  JSON { zone, failure: Failure | null }  make look-ups at or under `zone` fail
 *   GET  /__fake/queries[?zone=]  the names asked so far, oldest first
 * Tests share one fake, so each uses names under a domain of its own.
 *
 * @param {{ port?: number }} [options]
 * @returns {Promise<DnsFake>}
 */
export async function startDnsFake({ port = 0 } = {}) {
  /** @type {Map<string, string[]>} */
  const records = new Map();
  /** @type {Map<string, Failure>} zone → failure */
  const failures = new Map();
  /** @type {string[]} */
  const queries = [];

  /** @param {string} name */
  const failureFor = (name) => [...failures].find(([zone]) => name === zone || name.endsWith(`.${zone}`))?.[1];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    /** @param {number} status @param {unknown} value @param {string} [type] */
    const send = (status, value, type = "application/json") => res.writeHead(status, { "content-type": type }).end(JSON.stringify(value));
    if (url.pathname === "/dns-query" && req.method === "GET") {
      // As Cloudflare: the JSON API answers only a client that asks for it (a DNS wire-format GET carries ?dns= instead).
      const accept = req.headers.accept ?? "";
      if (!accept.includes("application/dns-json") && url.searchParams.get("ct") !== "application/dns-json") return send(400, { error: "ask with Accept: application/dns-json" });
      const name = normal(url.searchParams.get("name") ?? "");
      const type = (url.searchParams.get("type") ?? "A").toUpperCase();
      if (!name) return send(400, { error: "name is required" });
      queries.push(name);
      const failure = failureFor(name);
      if (failure === "hang") return; // held open until the client gives up, or stop() closes it
      if (failure === "http-502") return send(502, { error: "bad gateway" });
      const question = [{ name, type: type === "TXT" || type === "16" ? TXT : 1 }];
      const flags = { TC: false, RD: true, RA: true, AD: false, CD: false, Question: question };
      if (failure === "servfail") return send(200, { Status: 2, ...flags }, "application/dns-json");
      const txt = records.get(name);
      if (!txt) return send(200, { Status: 3, ...flags }, "application/dns-json");
      const Answer = question[0]?.type === TXT ? txt.map((text) => ({ name, type: TXT, TTL: 300, data: txtData(text) })) : [];
      return send(200, { Status: 0, ...flags, ...(Answer.length > 0 ? { Answer } : {}) }, "application/dns-json");
    }
    if (url.pathname === "/__fake/queries" && req.method === "GET") {
      const zone = normal(url.searchParams.get("zone") ?? "");
      return send(200, zone ? queries.filter((q) => q === zone || q.endsWith(`.${zone}`)) : queries);
    }
    if (req.method !== "POST" || !url.pathname.startsWith("/__fake/")) return send(404, { error: "unknown fake endpoint" });
    const body = await readBody(req, 1024 * 1024);
    /** @type {any} */
    let patch;
    try {
      patch = JSON.parse(body?.toString("utf8") || "{}");
    } catch {
      return send(400, { error: "body must be JSON" });
    }
    if (url.pathname === "/__fake/records") {
      if (typeof patch.name !== "string" || !(patch.txt === null || (Array.isArray(patch.txt) && patch.txt.every((/** @type {unknown} */ t) => typeof t === "string"))))
        return send(400, { error: "expected { name, txt: string[] | null }" });
      setTxt(patch.name, patch.txt);
      return send(200, { ok: true });
    }
    if (url.pathname === "/__fake/behaviour") {
      if (typeof patch.zone !== "string" || !(patch.failure === null || ["servfail", "http-502", "hang"].includes(patch.failure)))
        return send(400, { error: 'expected { zone, failure: "servfail" | "http-502" | "hang" | null }' });
      if (patch.failure === null) failures.delete(normal(patch.zone));
      else failures.set(normal(patch.zone), patch.failure);
      return send(200, { ok: true });
    }
    return send(404, { error: "unknown fake endpoint" });
  });

  /** @param {string} name @param {string[] | null} txt */
  function setTxt(name, txt) {
    if (txt === null) records.delete(normal(name));
    else records.set(normal(name), [...txt]);
  }

  const actualPort = await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  const base = `http://127.0.0.1:${actualPort}`;
  return {
    url: `${base}/dns-query`,
    controlUrl: base,
    txt: (name) => records.get(normal(name)),
    setTxt,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
