import http from "node:http";
import pg from "pg";
import { makeEvent } from "./events.mjs";

/** The scenario's event type: the comment template under two rules, one of them throttled. */
export const TIMING_TYPE = "bench.comment_with_watchers";
/** Events per watcher: the watcher rule admits one email per hour each, the rest are skipped. */
const EVENTS_PER_WATCHER = 5;
/** One event in this many is posted with a sendAt two minutes ahead and then cancelled by its key. */
const CANCEL_EVERY = 4;

/**
 * The rules-and-timing scenario: every event goes to an assignee (rule `assignee`, always sent) and
 * a watcher shared by EVENTS_PER_WATCHER events (rule `watcher`, at most 1 per recipient per hour,
 * the rest skipped as throttled); one event in CANCEL_EVERY is scheduled two minutes ahead and
 * cancelled by its key right after it is accepted. Every notification must end delivered once,
 * cancelled, or skipped by the throttle: a cancelled or throttled notification is an intended
 * outcome, never "lost", and one that is delivered anyway counts against the run.
 * @param {{ port: number, apiKey: string, n: number, concurrency: number, runId: string, deadline: number, progress: (m: string) => void }} options
 */
export async function runTiming({ port, apiKey, n, concurrency, runId, deadline, progress }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const call = (/** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body = undefined) => request(agent, port, apiKey, method, path, body);
  const rules = await call("PUT", `/v1/event-types/${TIMING_TYPE}`, {
    category: "comments",
    template: "comment.created",
    rules: [
      { key: "assignee", template: "comment.created", condition: 'recipient.role == "assignee"' },
      { key: "watcher", template: "comment.created", condition: 'recipient.role == "watcher"', throttle: { limit: 1, windowSeconds: 3600, overflow: "skip" } },
    ],
  });
  if (rules.status !== 200) throw new Error(`setting the scenario's rules answered ${rules.status}: ${rules.body}`);

  /** @type {Map<string, number>} notification id → when its event was posted */
  const postedAt = new Map();
  /** @type {Map<string, string>} notification id → its watcher's id (watcher notifications only) */
  const watcherOf = new Map();
  /** @type {Set<string>} */
  const cancelRequested = new Set();
  /** @type {Record<string, number>} */
  const statuses = {};
  let next = 0;
  const worker = async () => {
    while (next < n && Date.now() < deadline) {
      const i = next++;
      const base = makeEvent(i, runId, { priority: "normal" });
      const watcher = `bench-${runId}-watcher-${Math.floor(i / EVENTS_PER_WATCHER)}`;
      const cancel = i % CANCEL_EVERY === 0;
      const event = {
        type: TIMING_TYPE,
        data: base.data,
        idempotencyKey: base.idempotencyKey,
        recipients: [
          { ...base.recipients[0], role: "assignee" },
          { id: watcher, email: `${watcher}@bench.example.com`, role: "watcher" },
        ],
        ...(cancel ? { cancellationKey: `bench-${runId}-${i}`, sendAt: new Date(Date.now() + 120_000).toISOString() } : {}),
      };
      const startedAt = Date.now();
      const answer = await call("POST", "/v1/events", event);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status !== 202) continue;
      for (const nt of JSON.parse(answer.body).notifications) {
        postedAt.set(nt.id, startedAt);
        if (nt.rule === "watcher") watcherOf.set(nt.id, watcher);
        if (cancel) cancelRequested.add(nt.id);
      }
      if (cancel) {
        const cancelled = await call("DELETE", `/v1/events/cancel/${encodeURIComponent(event.cancellationKey ?? "")}`);
        statuses[`cancel ${cancelled.status}`] = (statuses[`cancel ${cancelled.status}`] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  progress(`timing: ${postedAt.size} notifications accepted, ${cancelRequested.size} of them on events cancelled by key; answers ${JSON.stringify(statuses)}`);
  return { postedAt, watcherOf, cancelRequested, statuses };
}

/** Notifications that ended without an email by design, or failed: status and decision. */
const SETTLED_WITHOUT_EMAIL = ["cancelled", "skipped", "failed", "suppressed"];

/**
 * Every notification's end: delivered (by the fake's receipts), or settled without an email
 * (cancelled, throttled, failed). Polls until all are one or the other.
 * @param {{ url: string, accepted: Map<string, number>, byId: Map<string, number[]>, drain: () => void, deadline: number, progress: (m: string) => void }} options
 */
export async function settleTiming({ url, accepted, byId, drain, deadline, progress }) {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  const ids = [...accepted.keys()];
  /** @type {Map<string, { status: string, rule: string | null }>} */
  let without = new Map();
  let lastReport = 0;
  try {
    while (Date.now() < deadline) {
      drain();
      const { rows } = await client.query("SELECT id, status, decision_rule FROM notifications WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[])", [
        ids,
        SETTLED_WITHOUT_EMAIL,
      ]);
      without = new Map(rows.map((/** @type {{ id: string, status: string, decision_rule: string | null }} */ r) => [r.id, { status: r.status, rule: r.decision_rule }]));
      const open = ids.filter((id) => !byId.has(id) && !without.has(id)).length;
      if (open === 0) return { without, timedOut: false };
      if (Date.now() - lastReport > 10_000) {
        progress(`timing: ${open} notifications neither delivered nor settled yet`);
        lastReport = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { without, timedOut: true };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * @param {Awaited<ReturnType<typeof runTiming>>} run
 * @param {Map<string, number[]>} byId
 * @param {Map<string, { status: string, rule: string | null }>} without
 */
export function timingFigures(run, byId, without) {
  const accepted = [...run.postedAt.keys()];
  const delivered = accepted.filter((id) => byId.has(id));
  const count = (/** @type {(e: { status: string, rule: string | null }) => boolean} */ p) => [...without.values()].filter(p).length;
  /** @type {Map<string, number>} watcher → emails delivered to them */
  const perWatcher = new Map();
  for (const id of delivered) {
    const w = run.watcherOf.get(id);
    if (w) perWatcher.set(w, (perWatcher.get(w) ?? 0) + 1);
  }
  const latencies = delivered.map((id) => (byId.get(id)?.[0] ?? 0) - (run.postedAt.get(id) ?? 0)).sort((a, b) => a - b);
  return {
    accepted: accepted.length,
    delivered: delivered.length,
    cancelled: count((e) => e.status === "cancelled"),
    throttled: count((e) => e.status === "skipped" && (e.rule ?? "").startsWith("throttled:")),
    failed: count((e) => e.status === "failed"),
    otherWithoutEmail: count((e) => e.status !== "cancelled" && e.status !== "failed" && !(e.status === "skipped" && (e.rule ?? "").startsWith("throttled:"))),
    lost: accepted.filter((id) => !byId.has(id) && !without.has(id)).length,
    duplicates: delivered.filter((id) => (byId.get(id)?.length ?? 0) > 1).length,
    /** Both an email and a "not sent" end: a cancel or throttle that did not hold. */
    deliveredAndSettled: delivered.filter((id) => without.has(id)).length,
    cancelRequestedButDelivered: delivered.filter((id) => run.cancelRequested.has(id)).length,
    watchersOverLimit: [...perWatcher.values()].filter((k) => k > 1).length,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)],
    p95Ms: latencies[Math.floor(latencies.length * 0.95)],
  };
}

/** @param {ReturnType<typeof timingFigures>} r @param {{ n: number, concurrency: number }} args */
export function formatTiming(r, args) {
  const f = (/** @type {number | undefined} */ x) => (x === undefined ? "–" : x.toLocaleString("en"));
  /** @type {[string, string, string?][]} */
  const rows = [
    ["notifications accepted (2 rules per event)", f(r.accepted)],
    ["delivered", f(r.delivered)],
    ["cancelled by key (intended)", f(r.cancelled)],
    ["skipped by the watcher rule's throttle (intended)", f(r.throttled)],
    ["failed / other ends without an email", `${f(r.failed)} / ${f(r.otherWithoutEmail)}`],
    ["end-to-end p50 / p95 of delivered", `${f(r.p50Ms)} / ${f(r.p95Ms)} ms`],
    ["lost (no email and no recorded end)", f(r.lost), "0"],
    ["duplicates (delivered more than once)", f(r.duplicates), "0"],
    ["delivered although cancelled or throttled", f(r.deliveredAndSettled), "0"],
    ["delivered although cancelled while scheduled", f(r.cancelRequestedButDelivered), "0"],
    ["watchers sent more than the limit of 1 per hour", f(r.watchersOverLimit), "0"],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const header = `Tidings bench — scenario timing: ${args.n} events, ${args.concurrency} in flight; each to an assignee and a watcher shared by ${EVENTS_PER_WATCHER} events (1 per hour); 1 in ${CANCEL_EVERY} scheduled 2 min ahead and cancelled by key`;
  return [header, "-".repeat(width + valueWidth + 4), ...rows.map(([k, v, target]) => `${k.padEnd(width)}  ${v.padEnd(valueWidth)}${target ? `  spec: ${target}` : ""}`)].join(
    "\n",
  );
}

/** @param {http.Agent} agent @param {number} port @param {string} apiKey @param {string} method @param {string} path @param {unknown} [body] @returns {Promise<{ status: number, body: string }>} */
function request(agent, port, apiKey, method, path, body) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method, agent, timeout: 30_000, headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" } },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", () => resolve({ status: 0, body: "" }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
