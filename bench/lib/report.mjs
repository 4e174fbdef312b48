/** @param {number | undefined} v @param {number} [digits] */
export const f = (v, digits = 0) => (v === undefined || Number.isNaN(v) ? "n/a" : v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** A CPU figure per email, or "none" when that process does not exist in this runtime. @param {Record<string, number | undefined> | undefined} cpu @param {string} key */
const none = (cpu, key) => (cpu && !(key in cpu) ? "none" : f(cpu?.[key], 1));

/**
 * The table printed on stdout: measured figures beside the spec's targets.
 * @param {ReturnType<typeof import("./figures.mjs").computeFigures> & { provider: Record<string, number>, database?: Record<string, any>, cpuMsPerEmailByPhase?: Record<string, any>, digest?: unknown }} r
 * @param {{ scenario: string, n: number, concurrency: number, rate?: number, maxInFlight: number, providerLatencyMs: number, providerFailureRate: number, retryBaseSeconds: number }} args
 * @param {{ database: string, cpus: number, runtime?: string }} env
 * @param {string[]} heldQueues  queues the depth scenario's gate consumed
 * @param {[string, string, string?][]} [moreRows]  the scenario's own rows (scenario-report.mjs), after the latency rows
 */
export function formatTable(r, args, env, heldQueues, moreRows = []) {
  const l = r.latencyMs;
  const held = heldQueues.length > 0;
  /** @type {[string, string, string?][]} */
  const rows = [
    ["ingest: events accepted (202)", `${f(r.ingest.events)} of ${f(args.n)} in ${f(r.ingest.seconds, 1)} s`],
    ["ingest throughput", `${f(r.ingest.perSecond, 1)} events/s`],
    ["POST /v1/events answer p50 / p95 / p99", `${f(r.ingest.postMs.p50)} / ${f(r.ingest.postMs.p95)} / ${f(r.ingest.postMs.p99)} ms`],
    .../** @type {any} */ (
      r.digest
        ? /** @type {[string, string][]} */ ([
            ["notifications delivered (own email or in a digest)", `${f(r.delivery.delivered)} of ${f(r.delivery.accepted)}`],
            ["notifications reaching the provider", `${f(r.delivery.perSecond, 1)} /s (digest items count when their digest arrives)`],
          ])
        : /** @type {[string, string, string?][]} */ ([
            ["delivered (unique, provider accepted)", `${f(r.delivery.delivered)} of ${f(r.delivery.accepted)}`],
            ["delivery throughput", `${f(r.delivery.perSecond, 1)} emails/s = ${f((r.delivery.perSecond ?? 0) * 3600)} /h`, "10,000+ emails/h"],
          ])
    ),
    ["first POST → last receipt", `${f(r.delivery.firstPostToLastReceiptSeconds, 1)} s`],
    // Held on purpose in the depth scenario: its latencies measure the hold, not the service.
    ...(held
      ? /** @type {[string, string][]} */ ([["end-to-end latency p50 / max (includes the hold)", `${f(l.p50)} / ${f(l.max)} ms`]])
      : /** @type {[string, string, string][]} */ ([
          ["end-to-end latency p50 / p95 / p99 / max", `${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)} / ${f(l.max)} ms`, "p95 ≤ 300,000 ms"],
          ["delivered within 5 minutes", `${f(l.deliveredWithin5MinPercent, 2)} %`, "≥ 95 %"],
        ])),
    [
      "render one email, median / p99 (in workerd)",
      "medianMsPerEmail" in r.render ? `${f(r.render.medianMsPerEmail, 2)} / ${f(r.render.p99MsPerEmail, 2)} ms (${f(r.render.turns)} batches)` : "n/a: hook not installed",
      "< 1,000 ms",
    ],
    ...moreRows,
    ["Worker (workerd) CPU per delivered email", `${f(r.cpuMsPerEmail?.worker, 2)} ms (ingest + delivery)`],
    [
      "other CPU per email: dev proxy / wrangler / db / bench",
      // Under --runtime miniflare there is no dev proxy and no wrangler process: "none", not 0.
      `${none(r.cpuMsPerEmail, "devProxy")} / ${none(r.cpuMsPerEmail, "tooling")} / ${f(r.cpuMsPerEmail?.database, 1)} / ${f(r.cpuMsPerEmail?.bench, 1)} ms`,
    ],
  ];
  if (r.cpuMsPerEmailByPhase) {
    const { ingest, delivery } = r.cpuMsPerEmailByPhase;
    rows.push(["Worker CPU: per event ingested / per email delivered", `${f(ingest.worker, 2)} / ${f(delivery.worker, 2)} ms`]);
  }
  const depth = /** @type {any} */ (r.delivery).depth;
  if (depth) {
    rows.push(
      ["depth: backlog held, delivered during hold", `${f(depth.backlog)}, ${f(depth.deliveredDuringHold)}`, "50,000+"],
      ["depth: drain after release", `${f(depth.drainSeconds, 1)} s`],
      ["depth: first / last 10 % of backlog", `${f(depth.first10PercentPerSecond, 1)} / ${f(depth.last10PercentPerSecond, 1)} emails/s`],
      ["depth: last ÷ first (1.00 = no degradation)", f(depth.lastOverFirst, 2), "no slowdown"],
    );
  }
  const digest = /** @type {any} */ (r).digest;
  if (digest) {
    const sizes = digest.itemsPerDigest;
    rows.push(
      ["digest: events → emails", `${f(digest.events)} → ${f(digest.emails)} (${f(digest.emailsOnTheirOwn)} on their own + ${f(digest.digestEmails)} digests)`],
      ["digest: emails per event (folding ratio)", `${f(digest.emailsPerEvent, 3)} = ${f(digest.eventsPerEmail, 1)} events per email`],
      ["digest: items per digest mean / p50 / max", `${f(sizes.mean, 1)} / ${f(sizes.p50)} / ${f(sizes.max)}; ${f(digest.closedByCount)} closed by count`],
      ["digest: latency on their own p50 / p95", `${f(digest.latencyOnTheirOwnMs.p50)} / ${f(digest.latencyOnTheirOwnMs.p95)} ms`],
      [
        "digest: latency via a digest p50 / p95 / max",
        `${f(digest.latencyViaDigestMs.p50)} / ${f(digest.latencyViaDigestMs.p95)} / ${f(digest.latencyViaDigestMs.max)} ms (the window, by design)`,
      ],
      ["digest: window open p50 / max", `${f(digest.windowOpenSeconds.p50, 1)} / ${f(digest.windowOpenSeconds.max, 1)} s`],
      ["digest: subject count ≠ items carried", f(digest.subjectCountMismatches), "0"],
      ["digest: items in two digests / digest sent twice", `${f(digest.itemsListedInTwoDigests)} / ${f(digest.extraDigestReceipts)}`, "0 / 0"],
    );
  }
  for (const [name, q] of Object.entries(r.queues)) {
    rows.push([
      `queue ${name}${heldQueues.includes(name) ? " (bench gate)" : ""}`,
      `${f(q.batches)} batches, mean ${f(q.meanBatchSize, 1)} msgs, ${f(q.batchMs.p50)} / ${f(q.batchMs.p95)} ms p50/p95, ${f(q.retried)} retried`,
    ]);
  }
  const embedded = String(env.database).includes("PGlite");
  for (const [phase, d] of Object.entries(r.database ?? {})) {
    rows.push([
      `${embedded ? "PGlite" : "PostgreSQL (counted at the bridge)"}, ${phase === "wholeRun" ? "whole run" : phase}: per ${d.unit}`,
      embedded
        ? `${f(d.roundTripsPerUnit, 1)} round trips, ${f(d.connectionsPerUnit, 2)} connections, ${f(d.execMsPerUnit, 1)} ms executing; busy ${f(d.busyPercent)} %`
        : `${f(d.roundTripsPerUnit, 1)} round trips, ${f(d.connectionsPerUnit, 2)} WebSocket connections (a /sql request needs none)`,
    ]);
  }
  rows.push(
    ["provider fake: requests / accepted / refused", `${f(r.provider.requests)} / ${f(r.provider.accepted)} / ${f(r.provider.failed)}`],
    ["errors: non-202 answers / failed notifications", `${f(r.errors.non202Answers)} / ${f(r.errors.failedNotifications)}`],
    ["lost (accepted, neither delivered nor failed)", f(r.lost), "0"],
    ["duplicates (delivered more than once)", f(r.duplicates), "0"],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const load = args.rate ? `fixed rate ${args.rate}/s, at most ${args.maxInFlight} in flight` : `concurrency=${args.concurrency}`;
  const header = `Tidings bench — scenario ${args.scenario}, n=${args.n}, ${load}, ${env.database}, ${env.cpus} CPUs${env.runtime ? `\nruntime: ${env.runtime}` : ""}
provider fake: latency ${args.providerLatencyMs} ms, failure rate ${args.providerFailureRate} (429/500); RETRY_BASE_SECONDS=${args.retryBaseSeconds} and CIRCUIT_COOLDOWN_SECONDS=${Math.max(1, args.retryBaseSeconds)} (production: 30 and 30)`;
  const lines = rows.map(([k, v, target]) => `${k.padEnd(width)}  ${v.padEnd(valueWidth)}${target ? `  spec: ${target}` : ""}`);
  return [header, "-".repeat(width + valueWidth + 4), ...lines].join("\n");
}

/**
 * The --cpu-profile summary: share of samples by module, per phase.
 * @param {Record<string, any>} profiles  phase → summary from cpu-profile.mjs, or { error }
 * @param {string} stem  file name prefix of the .cpuprofile files
 */
export function formatProfiles(profiles, stem) {
  return Object.entries(profiles)
    .map(([phase, p]) =>
      p.error
        ? `\nWorker CPU profile, ${phase}: unavailable (${p.error})`
        : [
            `\nWorker CPU by module, ${phase} (share of ${p.samples} samples, idle excluded; ${stem}-${phase}.cpuprofile opens in Chrome DevTools):`,
            ...p.byModule.map((/** @type {{ name: string, percent: number }} */ m) => `  ${m.percent.toFixed(1).padStart(5)} %  ${m.name}`),
          ].join("\n"),
    )
    .join("\n");
}

/**
 * The two-tenant table: the quiet organisation's end-to-end latency alone and during the other's flood.
 * @param {ReturnType<typeof import("./two-tenant.mjs").twoTenantFigures>} r
 * @param {{ n: number, concurrency: number, twoTenant?: { rate: number, recipientsPerSecond: number, recipientsBurst: number, politeFlood: boolean, keyConcurrency: number } }} args
 */
export function formatTwoTenant(r, args) {
  const l = (/** @type {{ n: number, p50?: number, p95?: number, max?: number }} */ s) => `${f(s.p50)} / ${f(s.p95)} / ${f(s.max)} ms (${f(s.n)} emails)`;
  /** @type {[string, string, string?][]} */
  const rows = [
    ["quiet org alone: end-to-end p50 / p95 / max", l(r.quiet.alone)],
    ["quiet org during the flood: p50 / p95 / max", l(r.quiet.flooded)],
    ["quiet org p95, flood ÷ alone", f(r.quiet.p95Ratio, 2), "≤ 2"],
    ["quiet org POST answer p50 / p95, alone", `${f(r.quiet.postAlone.p50)} / ${f(r.quiet.postAlone.p95)} ms`],
    ["quiet org POST answer p50 / p95, during the flood", `${f(r.quiet.postFlooded.p50)} / ${f(r.quiet.postFlooded.p95)} ms`],
    ["quiet org answers, alone / during the flood (429s retried)", `${JSON.stringify(r.quiet.answersAlone)} / ${JSON.stringify(r.quiet.answersFlooded)}`],
    ["flooding org: events accepted, answers", `${f(r.flood.accepted)}, ${JSON.stringify(r.flood.statuses)}`],
    ["accepted / failed (both orgs)", `${f(r.accepted)} / ${f(r.failed)}`],
    ["lost (accepted, neither delivered nor failed)", f(r.lost), "0"],
    ["duplicates (delivered more than once)", f(r.duplicates), "0"],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const header = `Tidings bench — scenario two-tenant: ${args.n} events per phase at ${args.twoTenant?.rate}/s; flood with ${args.concurrency} POSTs in flight${args.twoTenant?.politeFlood ? " waiting out 429s" : " ignoring 429s"}; RATE_LIMIT_RECIPIENTS_PER_SECOND=${args.twoTenant?.recipientsPerSecond}, _BURST=${args.twoTenant?.recipientsBurst}, RATE_LIMIT_KEY_CONCURRENCY=${args.twoTenant?.keyConcurrency}`;
  return [header, "-".repeat(width + valueWidth + 4), ...rows.map(([k, v, target]) => `${k.padEnd(width)}  ${v.padEnd(valueWidth)}${target ? `  spec: ${target}` : ""}`)].join(
    "\n",
  );
}
