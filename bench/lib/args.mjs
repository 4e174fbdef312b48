import { parseArgs } from "node:util";

export const USAGE = `npm run bench -- [options]
  --n <count>                   events to post (default 5000; mixed-priority 3000; fan-out 200; timing 1000; two-tenant: 300 per phase)
  --concurrency <c>             POSTs in flight, each started when one is answered (default 32); with --rate, see --max-in-flight
  --scenario default|depth|digest|two-tenant|mixed-priority|fan-out|timing
                                depth: ingest everything with delivery held, then release; digest: many events
                                per recipient with comments and projects set to digest windows; two-tenant: a
                                quiet organisation posts n events at --rate alone, then again while a second one
                                floods ingest with --concurrency POSTs in flight (needs Redis); mixed-priority:
                                --high-share of the events high priority (deadlines), the rest normal, at --rate,
                                end-to-end latency reported for each; fan-out: --recipients recipients per event;
                                timing: each event to an assignee and a watcher under two rules, the watcher's
                                throttled to 1 per hour, 1 event in 4 scheduled ahead and cancelled by key: cancelled
                                and throttled notifications count as intended ends, never as lost (default: default)
  --rate <events/s>             two-tenant: the quiet organisation's steady rate (default 10). Every other scenario:
                                fixed-rate (open-loop) load, the i-th POST starts at i/rate s whatever the answers
                                take (default: none, --concurrency POSTs in flight; mixed-priority: 40, half of the
                                default scenario's last measured peak here, 80.9 emails/s in the README)
  --max-in-flight <m>           with --rate: a start that finds this many POSTs unanswered is skipped and counted
                                (default 64, RATE_LIMIT_KEY_CONCURRENCY's default, so the bench draws no 429s of its own)
  --high-share <f>              mixed-priority: fraction in [0, 1] of events that are high priority (default 0.25,
                                the default scenario's share of deadlines)
  --recipients <r>              fan-out: recipients per event, each its own notification and email (default 50)
  --warm-up <events>            first post this many events of the run's kind (--concurrency in flight) and wait for
                                their delivery, so the measured run starts on a warm isolate; kept out of the figures,
                                checked for loss and duplicates (default 100 in the default and mixed-priority
                                scenarios, else 0; not for depth, digest, two-tenant, timing)
  --org-recipients-per-second <r>
                                two-tenant: RATE_LIMIT_RECIPIENTS_PER_SECOND for both organisations (default 20)
  --org-recipients-burst <b>    two-tenant: RATE_LIMIT_RECIPIENTS_BURST (default 2 seconds' worth)
  --key-concurrency <k>         two-tenant: RATE_LIMIT_KEY_CONCURRENCY, requests one key may have in flight (default 64, as in production)
  --polite-flood                two-tenant: the flooding client waits out each 429's Retry-After (default: it ignores them)
  --per-recipient <k>           digest: events per recipient, interleaved over the run (default 25)
  --digest-minutes <m>          digest: the window's length (default 1)
  --digest-max-items <x>        digest: a window closes early at this many items (default 50)
  --burst                       digest: the first item of a quiet period goes at once
  --database-url <url>          a PostgreSQL server (or DATABASE_URL); the bench creates and drops a scratch database
                                on it. Without it: embedded PGlite.
  --provider-latency-ms <ms>    the SendGrid fake waits this long before every answer (default 0)
  --provider-failure-rate <f>   fraction in [0, 1] of sends the fake refuses, half with 429, half with 500 (default 0)
  --retry-base-seconds <s>      RETRY_BASE_SECONDS for the Worker (default 1; production uses 30)
  --timeout <s>                 bound on ingest + delivery (default 600, depth 3600)
  --runtime miniflare|wrangler  miniflare (default): the Worker's bundle in workerd through Miniflare's API, with no
                                dev proxy, inspector relay or live reload (production has none of them); wrangler: under
                                \`wrangler dev\`, as \`npm run dev\` and the tests run it (the harness adds CPU, also in the Worker)
  --cpu-profile                 sample the Worker's CPU during the run (DevTools protocol): writes a .cpuprofile
                                beside the results and adds self time by module to them`;

/** @param {string[]} argv */
export function readArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: "string" },
      concurrency: { type: "string", default: "32" },
      scenario: { type: "string", default: "default" },
      "database-url": { type: "string" },
      "provider-latency-ms": { type: "string", default: "0" },
      "provider-failure-rate": { type: "string", default: "0" },
      "retry-base-seconds": { type: "string", default: "1" },
      timeout: { type: "string" },
      "per-recipient": { type: "string", default: "25" },
      "digest-minutes": { type: "string", default: "1" },
      "digest-max-items": { type: "string", default: "50" },
      burst: { type: "boolean", default: false },
      rate: { type: "string" },
      "max-in-flight": { type: "string", default: "64" },
      "high-share": { type: "string", default: "0.25" },
      recipients: { type: "string", default: "50" },
      "warm-up": { type: "string" },
      "org-recipients-per-second": { type: "string", default: "20" },
      "org-recipients-burst": { type: "string" },
      "polite-flood": { type: "boolean", default: false },
      "key-concurrency": { type: "string", default: "64" },
      "cpu-profile": { type: "boolean", default: false },
      runtime: { type: "string", default: "miniflare" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  const scenario = values.scenario;
  const scenarios = ["default", "depth", "digest", "two-tenant", "mixed-priority", "fan-out", "timing"];
  if (!scenarios.includes(scenario)) throw new Error(`--scenario must be one of ${scenarios.join(", ")}, got ${scenario}`);
  const runtime = values.runtime;
  if (runtime !== "wrangler" && runtime !== "miniflare") throw new Error(`--runtime must be wrangler or miniflare, got ${runtime}`);
  const int = (/** @type {string} */ name, /** @type {string} */ v, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const fraction = (/** @type {string} */ name, /** @type {string} */ v) => {
    const x = Number(v);
    if (!(x >= 0 && x <= 1)) throw new Error(`--${name} must be in [0, 1], got ${v}`);
    return x;
  };
  const failureRate = fraction("provider-failure-rate", values["provider-failure-rate"]);
  const warmUp = Number(values["warm-up"] ?? (scenario === "mixed-priority" || scenario === "default" ? 100 : 0));
  if (!(Number.isInteger(warmUp) && warmUp >= 0)) throw new Error(`--warm-up must be an integer >= 0, got ${values["warm-up"]}`);
  if (warmUp > 0 && ["depth", "digest", "two-tenant", "timing"].includes(scenario)) throw new Error(`--warm-up is not for the ${scenario} scenario`);
  const rateArg = values.rate ?? (scenario === "mixed-priority" ? "40" : undefined);
  const rate = rateArg === undefined ? undefined : Number(rateArg);
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) throw new Error(`--rate must be a positive number, got ${rateArg}`);
  return {
    scenario,
    n: int("n", values.n ?? { "two-tenant": "300", "mixed-priority": "3000", "fan-out": "200", timing: "1000" }[scenario] ?? "5000"),
    /** Fixed-rate load (events/s) for every scenario but two-tenant, whose --rate is twoTenant.rate. */
    rate: scenario === "two-tenant" ? undefined : rate,
    maxInFlight: int("max-in-flight", values["max-in-flight"]),
    warmUp,
    highShare: scenario === "mixed-priority" ? fraction("high-share", values["high-share"]) : undefined,
    recipientsPerEvent: scenario === "fan-out" ? int("recipients", values.recipients) : undefined,
    concurrency: int("concurrency", values.concurrency),
    databaseUrl: values["database-url"] ?? process.env.DATABASE_URL,
    providerLatencyMs: int("provider-latency-ms", values["provider-latency-ms"], 0),
    providerFailureRate: failureRate,
    retryBaseSeconds: int("retry-base-seconds", values["retry-base-seconds"], 0),
    cpuProfile: values["cpu-profile"] ?? false,
    runtime: /** @type {"wrangler" | "miniflare"} */ (runtime),
    digest:
      scenario === "digest"
        ? {
            perRecipient: int("per-recipient", values["per-recipient"]),
            minutes: int("digest-minutes", values["digest-minutes"]),
            maxItems: int("digest-max-items", values["digest-max-items"]),
            burst: values.burst ?? false,
          }
        : undefined,
    twoTenant:
      scenario === "two-tenant"
        ? {
            rate: int("rate", values.rate ?? "10"),
            recipientsPerSecond: int("org-recipients-per-second", values["org-recipients-per-second"]),
            politeFlood: values["polite-flood"] ?? false,
            keyConcurrency: int("key-concurrency", values["key-concurrency"]),
            recipientsBurst: int("org-recipients-burst", values["org-recipients-burst"] ?? String(2 * Number(values["org-recipients-per-second"]))),
          }
        : undefined,
    timeoutSeconds: int("timeout", values.timeout ?? (scenario === "depth" ? "3600" : "600")),
  };
}
