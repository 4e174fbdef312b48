import http from "node:http";
import { makeEvent } from "./events.mjs";

/** POSTs per event at most: the first and two retries of a network failure or 5xx (postOneEvent). */
const MAX_ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} IngestResult
 * @property {Map<string, number>} postedAt  notification id → Date.now() when its event's first POST started
 * @property {Map<string, string>} typeOf    notification id → its event's type
 * @property {number} events      events answered 202
 * @property {number} failedEvents events never answered 202
 * @property {Record<string, number>} statuses  every answer by status ("network" for no answer)
 * @property {number} startedAt
 * @property {number} endedAt     when the last answer came
 * @property {number[]} postMs    time to answer of each 202
 * @property {import("./open-loop.mjs").Schedule} [schedule]  the fixed-rate mode's own record
 *
 * @typedef {{ type: string, recipients: { email: string }[] }} BenchEvent
 */

/** @returns {IngestResult} */
export const newIngestResult = () => ({ postedAt: new Map(), typeOf: new Map(), events: 0, failedEvents: 0, statuses: {}, startedAt: Date.now(), endedAt: 0, postMs: [] });

/**
 * Posts `n` events to POST /v1/events with `concurrency` requests in flight, on 127.0.0.1 only.
 * With `honourRetryAfter`, a worker that gets a 429 waits as long as its Retry-After says before
 * posting its next event, as a well-behaved client library does (the two-tenant scenario's polite flood).
 * `eventAt(i)` makes the i-th event (default: makeEvent with `oneQueue` and `recipients`).
 * @param {{ port: number, apiKey: string, n: number, concurrency: number, runId: string, deadline: number, oneQueue?: boolean, recipients?: number, honourRetryAfter?: boolean, eventAt?: (i: number) => BenchEvent }} options
 * @returns {Promise<IngestResult>}
 */
export async function postEvents({ port, apiKey, n, concurrency, runId, deadline, oneQueue = false, recipients, honourRetryAfter = false, eventAt }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result = newIngestResult();
  const make = eventAt ?? ((/** @type {number} */ i) => makeEvent(i, runId, { oneQueue, recipients }));
  let next = 0;

  async function worker() {
    while (next < n && Date.now() < deadline) {
      await postOneEvent({ agent, port, apiKey, event: make(next++), deadline, result, honourRetryAfter });
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return result;
}

/**
 * Posts one event until it is answered 202 (a network failure or a 5xx is posted again with the same
 * idempotency key, as a careful client would; a 4xx will not change on a retry) and records it in `result`.
 * @param {{ agent: http.Agent, port: number, apiKey: string, event: BenchEvent, deadline: number, result: IngestResult, honourRetryAfter?: boolean }} options
 */
export async function postOneEvent({ agent, port, apiKey, event, deadline, result, honourRetryAfter = false }) {
  const body = JSON.stringify(event);
  const startedAt = Date.now();
  let accepted = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && !accepted && Date.now() < deadline; attempt++) {
    const answer = await post(agent, port, apiKey, body);
    result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
    if (answer.status === 202) {
      accepted = true;
      result.postMs.push(Date.now() - startedAt);
      for (const notification of JSON.parse(answer.body).notifications) {
        result.postedAt.set(notification.id, startedAt);
        result.typeOf.set(notification.id, event.type);
      }
    } else if (answer.status !== "network" && answer.status < 500) {
      if (answer.status === 429 && honourRetryAfter) await new Promise((resolve) => setTimeout(resolve, Math.min(answer.retryAfterMs, Math.max(0, deadline - Date.now()))));
      break;
    }
  }
  if (accepted) result.events++;
  else result.failedEvents++;
  result.endedAt = Date.now();
}

/**
 * @param {http.Agent} agent @param {number} port @param {string} apiKey @param {string} body
 * @returns {Promise<{ status: number | "network", body: string, retryAfterMs: number }>}
 */
function post(agent, port, apiKey, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/v1/events",
        method: "POST",
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), retryAfterMs: 1000 * Number(res.headers["retry-after"] ?? 1) }));
        res.on("error", () => resolve({ status: "network", body: "", retryAfterMs: 0 }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: "network", body: "", retryAfterMs: 0 }));
    req.end(body);
  });
}
