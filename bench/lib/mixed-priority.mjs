import { HIGH_PRIORITY_TYPE, makeEvent } from "./events.mjs";
import { summarize } from "./stats.mjs";

/**
 * The mixed-priority scenario's events: a share `highShare` of them high priority (deadlines, the
 * priority queue), spread evenly over the run, the rest normal (comments and completions).
 * @param {string} runId @param {number} highShare  in [0, 1]
 */
export const mixedPriorityEvent = (runId, highShare) => (/** @type {number} */ i) =>
  makeEvent(i, runId, { priority: Math.floor((i + 1) * highShare) > Math.floor(i * highShare) ? "high" : "normal" });

/**
 * End-to-end latency (first POST → first receipt at the provider fake) apart for high-priority and
 * normal notifications, by the type each one's event was posted with.
 * @param {import("./load.mjs").IngestResult} ingest
 * @param {Map<string, number[]>} byId  notification id → receipt times
 */
export function priorityFigures(ingest, byId) {
  /** @type {{ high: number[], normal: number[] }} */
  const latencies = { high: [], normal: [] };
  const accepted = { high: 0, normal: 0 };
  for (const [id, postedAt] of ingest.postedAt) {
    const kind = ingest.typeOf.get(id) === HIGH_PRIORITY_TYPE ? "high" : "normal";
    accepted[kind]++;
    const times = byId.get(id);
    if (times) latencies[kind].push(Math.min(...times) - postedAt);
  }
  return {
    high: { accepted: accepted.high, latencyMs: summarize(latencies.high) },
    normal: { accepted: accepted.normal, latencyMs: summarize(latencies.normal) },
    highSharePercent: ingest.postedAt.size ? (accepted.high * 100) / ingest.postedAt.size : undefined,
  };
}
