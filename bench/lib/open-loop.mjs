import http from "node:http";
import { newIngestResult, postOneEvent } from "./load.mjs";

/** A start this far behind its slot counts as late (the bench's own timers and event loop, not the service). */
const LATE_MS = 20;

/**
 * @typedef {object} Schedule
 * @property {number} rate         events/s asked for
 * @property {number} maxInFlight  POSTs in flight at most
 * @property {number} scheduled    slots in the run (n)
 * @property {number} started      POSTs started
 * @property {number} skipped      slots that found maxInFlight POSTs still unanswered: not posted at all
 * @property {number} notReached   slots after the deadline
 * @property {number} late         starts more than LATE_MS after their slot
 * @property {number} maxLateMs
 * @property {number} peakInFlight
 * @property {number} firstStartAt
 * @property {number} lastStartAt
 */

/**
 * The fixed-rate (open-loop) load: the i-th event's POST starts at i / rate s whatever the answers
 * take, so a slow service cannot slow the arrivals down and hide its own latency. Bounded by
 * `maxInFlight`: a slot that finds that many POSTs unanswered is skipped (counted, not posted), so a
 * stalled service cannot exhaust sockets and the shortfall shows as a lower achieved rate.
 * Starts that fell behind (a busy bench process) go at once, and are counted late.
 * @param {{ port: number, apiKey: string, n: number, rate: number, maxInFlight: number, deadline: number, eventAt: (i: number) => import("./load.mjs").BenchEvent }} options
 * @returns {Promise<import("./load.mjs").IngestResult>}
 */
export async function postAtFixedRate({ port, apiKey, n, rate, maxInFlight, deadline, eventAt }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const result = newIngestResult();
  /** @type {Schedule} */
  const schedule = { rate, maxInFlight, scheduled: n, started: 0, skipped: 0, notReached: 0, late: 0, maxLateMs: 0, peakInFlight: 0, firstStartAt: 0, lastStartAt: 0 };
  result.schedule = schedule;
  let inFlight = 0;
  /** @type {Promise<void>[]} */
  const posts = [];
  const start = Date.now();
  for (let i = 0; i < n; i++) {
    const slot = start + (i * 1000) / rate;
    if (slot > Date.now()) await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
    const now = Date.now();
    if (now >= deadline) {
      schedule.notReached = n - i;
      break;
    }
    if (inFlight >= maxInFlight) {
      schedule.skipped++;
      continue;
    }
    if (now - slot > LATE_MS) schedule.late++;
    schedule.maxLateMs = Math.max(schedule.maxLateMs, now - slot);
    if (!schedule.started) schedule.firstStartAt = now;
    schedule.lastStartAt = now;
    schedule.started++;
    inFlight++;
    schedule.peakInFlight = Math.max(schedule.peakInFlight, inFlight);
    posts.push(
      postOneEvent({ agent, port, apiKey, event: eventAt(i), deadline, result }).finally(() => {
        inFlight--;
      }),
    );
  }
  await Promise.all(posts);
  agent.destroy();
  return result;
}

/**
 * What the schedule achieved: starts per second between the first and the last start (the target
 * is `rate`), and events answered 202 per second over the same window.
 * @param {Schedule} s @param {number} accepted
 */
export function scheduleFigures(s, accepted) {
  const window = s.lastStartAt - s.firstStartAt;
  return {
    ...s,
    achievedStartsPerSecond: s.started > 1 && window > 0 ? ((s.started - 1) * 1000) / window : undefined,
    acceptedPerSecond: s.started > 1 && window > 0 ? (accepted * 1000) / (window + 1000 / s.rate) : undefined,
  };
}
