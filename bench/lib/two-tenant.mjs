import http from "node:http";
import { makeEvent } from "./events.mjs";
import { postEvents } from "./load.mjs";
import { summarize } from "./stats.mjs";

/** The flooding organisation's fixed id and name in the two-tenant scenario (seeded like the demo one). */
export const FLOOD_ORGANIZATION = { id: "00000000-0000-4000-8000-000000000002", name: "Flood Co" };

/**
 * The two-tenant scenario: a quiet organisation posts `n` events at a steady `rate`, first alone,
 * then while a second organisation floods ingest with `concurrency` POSTs in flight for as long.
 * The quiet organisation's end-to-end latency in both phases tells whether the flood reached it.
 * With `politeFlood`, the flooding client waits out each 429's Retry-After, as client libraries do.
 * @param {{ port: number, quietKey: string, floodKey: string, n: number, rate: number, concurrency: number, deadline: number, politeFlood: boolean, progress: (m: string) => void }} options
 */
export async function runTwoTenant({ port, quietKey, floodKey, n, rate, concurrency, deadline, politeFlood, progress }) {
  const runId = Math.random().toString(36).slice(2, 8);
  progress(`quiet organisation alone: ${n} events at ${rate}/s …`);
  const alone = await postAtRate({ port, apiKey: quietKey, n, rate, runId: `${runId}a`, deadline });
  progress(`quiet organisation again, while the other floods with ${concurrency} POSTs in flight${politeFlood ? ", waiting out each 429's Retry-After" : ", ignoring 429s"} …`);
  const stopFlood = Date.now() + (n / rate) * 1000;
  const [flooded, flood] = await Promise.all([
    postAtRate({ port, apiKey: quietKey, n, rate, runId: `${runId}b`, deadline }),
    postEvents({ port, apiKey: floodKey, n: Number.MAX_SAFE_INTEGER, concurrency, runId: `${runId}f`, deadline: Math.min(stopFlood, deadline), honourRetryAfter: politeFlood }),
  ]);
  progress(`flood: ${flood.events} events accepted, answers ${JSON.stringify(flood.statuses)}`);
  return { alone, flooded, flood };
}

/**
 * Posts `n` events, one every 1/rate s whatever the answers' speed (an open-loop load, so a slow
 * service cannot slow the arrivals down and hide its own latency).
 * @param {{ port: number, apiKey: string, n: number, rate: number, runId: string, deadline: number }} options
 */
async function postAtRate({ port, apiKey, n, rate, runId, deadline }) {
  const agent = new http.Agent({ keepAlive: true });
  /** @type {Map<string, number>} */
  const postedAt = new Map();
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {number[]} */
  const postMs = [];
  const start = Date.now();
  const posts = [];
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const due = start + (i * 1000) / rate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const startedAt = Date.now();
    const body = JSON.stringify(makeEvent(i, runId));
    posts.push(
      (async () => {
        // As a client library would: a 429 is waited out (its Retry-After) and posted again, and
        // the event's latency counts from the first attempt, so a refusal of the quiet
        // organisation shows in its figures instead of dropping out of them.
        for (let attempt = 1; attempt <= 5 && Date.now() < deadline; attempt++) {
          const answer = await postOnce(agent, port, apiKey, body);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status === 429) {
            await new Promise((resolve) => setTimeout(resolve, answer.retryAfterMs));
            continue;
          }
          if (answer.status !== 202) return;
          postMs.push(Date.now() - startedAt);
          for (const notification of JSON.parse(answer.body).notifications) postedAt.set(notification.id, startedAt);
          return;
        }
      })(),
    );
  }
  await Promise.all(posts);
  agent.destroy();
  return { postedAt, statuses, postMs };
}

/** @param {http.Agent} agent @param {number} port @param {string} apiKey @param {string} body @returns {Promise<{ status: number | "network", body: string, retryAfterMs: number }>} */
function postOnce(agent, port, apiKey, body) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/v1/events", method: "POST", agent, timeout: 30_000, headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" } },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), retryAfterMs: Number(res.headers["retry-after"] ?? 1) * 1000 }));
        res.on("error", () => resolve({ status: "network", body: "", retryAfterMs: 0 }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: "network", body: "", retryAfterMs: 0 }));
    req.end(body);
  });
}

/**
 * The quiet organisation's latency in each phase, and whether anything of either organisation was
 * lost or sent twice.
 * @param {{ alone: { postedAt: Map<string, number>, postMs: number[], statuses: Record<string, number> }, flooded: { postedAt: Map<string, number>, postMs: number[], statuses: Record<string, number> }, flood: { postedAt: Map<string, number>, events: number, statuses: Record<string, number> } }} run
 * @param {Map<string, number[]>} byId  notification id → receipt times at the provider fake
 * @param {Set<string>} failedIds
 */
export function twoTenantFigures(run, byId, failedIds) {
  const latencies = (/** @type {Map<string, number>} */ postedAt) => [...postedAt].flatMap(([id, at]) => (byId.get(id)?.[0] !== undefined ? [(byId.get(id)?.[0] ?? at) - at] : []));
  const alone = summarize(latencies(run.alone.postedAt));
  const flooded = summarize(latencies(run.flooded.postedAt));
  const accepted = [...run.alone.postedAt.keys(), ...run.flooded.postedAt.keys(), ...run.flood.postedAt.keys()];
  return {
    quiet: {
      alone,
      flooded,
      postAlone: summarize(run.alone.postMs),
      postFlooded: summarize(run.flooded.postMs),
      p95Ratio: alone.p95 && flooded.p95 !== undefined ? flooded.p95 / alone.p95 : undefined,
      answersAlone: run.alone.statuses,
      answersFlooded: run.flooded.statuses,
    },
    flood: { accepted: run.flood.postedAt.size, statuses: run.flood.statuses },
    accepted: accepted.length,
    lost: accepted.filter((id) => !byId.has(id) && !failedIds.has(id)).length,
    duplicates: accepted.filter((id) => (byId.get(id)?.length ?? 0) > 1).length,
    failed: accepted.filter((id) => failedIds.has(id)).length,
  };
}
