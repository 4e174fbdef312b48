import { parseArgs } from "node:util";

export const USAGE = `npm run bench -- [options]
  --n <count>                   events to post, one recipient each (default 5000; two-tenant: 300 per phase)
  --concurrency <c>             POSTs in flight (default 32)
  --scenario default|depth|digest|two-tenant
                                depth: ingest everything with delivery held, then release; digest: many events
                                per recipient with comments and projects set to digest windows; two-tenant: a
                                quiet organisation posts n events at --rate alone, then again while a second one
                                floods ingest with --concurrency POSTs in flight (needs Redis) (default: default)
  --rate <events/s>             two-tenant: the quiet organisation's steady rate (default 10)
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
  --runtime wrangler|miniflare  wrangler: \`wrangler dev\`, as \`npm run dev\` (default); miniflare: the same bundle on
                                Miniflare's API, without wrangler's dev proxy, inspector relay and live reload
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
      rate: { type: "string", default: "10" },
      "org-recipients-per-second": { type: "string", default: "20" },
      "org-recipients-burst": { type: "string" },
      "polite-flood": { type: "boolean", default: false },
      "key-concurrency": { type: "string", default: "64" },
      "cpu-profile": { type: "boolean", default: false },
      runtime: { type: "string", default: "wrangler" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  const scenario = values.scenario;
  if (scenario !== "default" && scenario !== "depth" && scenario !== "digest" && scenario !== "two-tenant") {
    throw new Error(`--scenario must be default, depth, digest or two-tenant, got ${scenario}`);
  }
  const runtime = values.runtime;
  if (runtime !== "wrangler" && runtime !== "miniflare") throw new Error(`--runtime must be wrangler or miniflare, got ${runtime}`);
  const int = (/** @type {string} */ name, /** @type {string} */ v, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const failureRate = Number(values["provider-failure-rate"]);
  if (!(failureRate >= 0 && failureRate <= 1)) throw new Error(`--provider-failure-rate must be in [0, 1]`);
  return {
    scenario,
    n: int("n", values.n ?? (scenario === "two-tenant" ? "300" : "5000")),
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
            rate: int("rate", values.rate),
            recipientsPerSecond: int("org-recipients-per-second", values["org-recipients-per-second"]),
            politeFlood: values["polite-flood"] ?? false,
            keyConcurrency: int("key-concurrency", values["key-concurrency"]),
            recipientsBurst: int("org-recipients-burst", values["org-recipients-burst"] ?? String(2 * Number(values["org-recipients-per-second"]))),
          }
        : undefined,
    timeoutSeconds: int("timeout", values.timeout ?? (scenario === "depth" ? "3600" : "600")),
  };
}
