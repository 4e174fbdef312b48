import { z } from "zod";
import type { CaptureOutbox } from "./providers/capture/outbox";
import type { DigestWindow } from "./digest/digest-window";
import type { ProviderCircuit } from "./send/provider-circuit";
import type { WebhookTokenGuard } from "./providers/mailgun/token-guard";
import type { QueueMessage } from "./send/messages";
import { log } from "./platform/log";

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** Bindings, vars and secrets, validated once at each entry point. */
export const zEnv = z.object({
  DATABASE_URL: z.string().url(),
  /** Local only: host:port of the WebSocket-to-TCP bridge that carries the Neon driver to PostgreSQL. */
  DATABASE_WS_PROXY: z.string().optional(),
  /**
   * Statements outside a transaction go over Neon's SQL-over-HTTP endpoint (one HTTP round trip,
   * no connection to start); transactions keep a WebSocket connection. "false" sends everything
   * over WebSockets. Locally the bridge answers /sql as Neon does.
   */
  DATABASE_HTTP_QUERIES: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /**
   * The environment's default provider order, for organisations that configured none:
   * comma-separated ids, e.g. `sendgrid,mailgun`. `EMAIL_PROVIDER` is its one-provider spelling.
   */
  EMAIL_PROVIDERS: z.string().optional(),
  EMAIL_PROVIDER: z.string().optional(),
  SENDGRID_API_KEY: z.string().optional(),
  SENDGRID_BASE_URL: z.string().url().default("https://api.sendgrid.com"),
  MAILGUN_API_KEY: z.string().optional(),
  MAILGUN_DOMAIN: z.string().optional(),
  MAILGUN_BASE_URL: z.string().url().default("https://api.mailgun.net"),
  SES_ACCESS_KEY_ID: z.string().optional(),
  SES_SECRET_ACCESS_KEY: z.string().optional(),
  SES_REGION: z.string().optional(),
  SES_ENDPOINT: z.string().url().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().optional(),
  SMTP_SECURE: flag,
  SMTP_STARTTLS: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  SMTP_USERNAME: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  /** 32 random bytes, base64: seals provider credentials and DKIM keys at rest (AES-GCM). */
  SECRETS_KEY: z.string().optional(),
  /** The key before the last rotation, still accepted for opening. */
  SECRETS_KEY_PREVIOUS: z.string().optional(),
  /** Consecutive failures that open a provider's circuit, and how long it stays open. */
  CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().positive().default(5),
  CIRCUIT_COOLDOWN_SECONDS: z.coerce.number().positive().default(30),
  /**
   * Hosts (`host` or `host:port`, comma-separated) an organisation's provider settings may point
   * at besides the providers' own: local fakes in tests and development. Unset in production.
   */
  PROVIDER_EXTRA_HOSTS: z.string().optional(),
  /**
   * Sender domains (comma-separated; their subdomains too) any organisation may send from without
   * verifying them through /v1/domains: the deployment's own default sender. Everything else must
   * be a verified sender domain of the organisation, or its hand-set DKIM sending domain.
   */
  UNVERIFIED_SENDER_DOMAINS: z.string().optional(),
  /** DNS-over-HTTPS JSON endpoint (`?name=&type=TXT`, Accept: application/dns-json) that sender-domain checks ask, and its deadline. */
  DNS_RESOLVER_URL: z.string().url().default("https://cloudflare-dns.com/dns-query"),
  DNS_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Turns on `GET /dev/outbox`; never set it in production. */
  DEV_MODE: flag,
  /**
   * Which deployment this is (wrangler.toml's [env.staging] and [env.production] set it). In
   * production PUBLIC_BASE_URL must be set to an https URL and DEV_MODE must be off: links in
   * mail and the development-only routes depend on them.
   */
  ENVIRONMENT: z.enum(["development", "staging", "production"]).default("development"),
  PUBLIC_BASE_URL: z.string().url().default("http://127.0.0.1:8787"),
  /** Seconds a `pending` notification may wait before the sweeper re-enqueues it. */
  SWEEP_PENDING_AFTER_SECONDS: z.coerce.number().int().positive().default(60),
  /** Seconds a consumer's claim on a notification lasts; an expired claim means the consumer died. */
  SEND_LEASE_SECONDS: z.coerce.number().int().positive().default(120),
  /** Rows per table one run of the re-seal pass may rewrite (src/followup/reseal.ts); 0 turns the cron's pass off. */
  RESEAL_RUN_LIMIT: z.coerce.number().int().min(0).default(5000),
  /** First retry delay; each further retry doubles it. */
  RETRY_BASE_SECONDS: z.coerce.number().int().min(0).default(30),
  /** Send rounds (providers tried, none took the email) before it fails; rounds skipped behind open circuits do not count. */
  SEND_MAX_ROUNDS: z.coerce.number().int().positive().default(10),
  /** Claims that lapse without an outcome (the Worker died while sending it) before the email fails instead of looping. */
  SEND_MAX_LAPSED_CLAIMS: z.coerce.number().int().positive().default(3),
  NOTIFICATION_QUEUE: z.custom<Queue<QueueMessage>>((v) => typeof v === "object" && v !== null && "send" in v),
  PRIORITY_QUEUE: z.custom<Queue<QueueMessage>>((v) => typeof v === "object" && v !== null && "send" in v),
  PROVIDER_CIRCUIT: z.custom<DurableObjectNamespace<ProviderCircuit>>((v) => typeof v === "object" && v !== null && "idFromName" in v),
  CAPTURE_OUTBOX: z.custom<DurableObjectNamespace<CaptureOutbox>>((v) => typeof v === "object" && v !== null && "idFromName" in v),
  /** One object per organisation + recipient + category: the open digest window. */
  DIGEST_WINDOW: z.custom<DurableObjectNamespace<DigestWindow>>((v) => typeof v === "object" && v !== null && "idFromName" in v),
  /** Upstash Redis REST endpoint and token for the preference cache; unset means no cache. */
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  /** How long a recipient's resolved preferences stay cached; every change invalidates at once. */
  PREFERENCE_CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  /** Deadline of one cache call: past it the Decide step reads PostgreSQL instead. */
  PREFERENCE_CACHE_TIMEOUT_MS: z.coerce.number().int().positive().default(150),
  /**
   * Rate limits (token buckets in the same Redis; without Redis nothing is limited): requests per
   * API key per second, recipients per organisation per second (bursts of ten seconds' worth),
   * and requests per client IP per minute on sign-in, the recipients' pages and the webhooks.
   */
  RATE_LIMIT_KEY_PER_SECOND: z.coerce.number().int().positive().default(50),
  /** How long an isolate trusts its look-up of an API key: a revocation made elsewhere (another isolate, the CLI) takes effect within this; 0 looks up every request. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().nonnegative().default(5),
  /** How long an isolate keeps an event type and its rules for ingest: a change saved elsewhere (another isolate, SQL) takes effect within this; 0 looks it up for every event. */
  EVENT_TYPE_CACHE_SECONDS: z.coerce.number().int().nonnegative().default(5),
  RATE_LIMIT_RECIPIENTS_PER_SECOND: z.coerce.number().int().positive().default(500),
  /** Requests one API key may have in flight in one isolate; past it, 429 at once, so one client cannot queue every tenant behind it. */
  RATE_LIMIT_KEY_CONCURRENCY: z.coerce.number().int().positive().default(64),
  /** A refused API request is answered after this long at most (and never later than its Retry-After): clients that ignore 429s cannot spin. */
  RATE_LIMIT_REFUSAL_PAUSE_MS: z.coerce.number().int().nonnegative().default(1000),
  /** How many recipients an organisation may post at once after a quiet spell; unset: ten seconds' worth. */
  RATE_LIMIT_RECIPIENTS_BURST: z.coerce.number().int().positive().optional(),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_PAGES_PER_MINUTE: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /** SendGrid Event Webhook verification key (base64 SubjectPublicKeyInfo) for `POST /webhooks/sendgrid`. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().optional(),
  /** Mailgun HTTP webhook signing key (not the API key) for `POST /webhooks/mailgun`. */
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().optional(),
  /** Comma-separated SNS topic ARNs whose SES notifications `POST /webhooks/ses` accepts. */
  SES_SNS_TOPIC_ARNS: z.string().optional(),
  /**
   * Keys the address hashes of suppressions and recipients. Falls back to SECRETS_KEY, but set it on
   * its own: rotating SECRETS_KEY would otherwise change every hash and orphan the suppression list.
   */
  EMAIL_HASH_KEY: z.string().optional(),
  /** The address-hash key before a rotation: entries hashed under it are still found (src/platform/crypto/email-hash.ts). */
  EMAIL_HASH_KEY_PREVIOUS: z.string().optional(),
  /** Soft bounces of one address (with no delivery in between) that suppress it. */
  SOFT_BOUNCE_SUPPRESS_THRESHOLD: z.coerce.number().int().positive().default(3),
  /** Bounce-rate guard: the last N sent emails (notifications and digests), the fewest it judges, and the rates that pause sending. */
  BOUNCE_GUARD_WINDOW: z.coerce.number().int().positive().default(1000),
  BOUNCE_GUARD_MIN_SAMPLE: z.coerce.number().int().positive().default(100),
  BOUNCE_RATE_THRESHOLD: z.coerce.number().positive().max(1).default(0.03),
  COMPLAINT_RATE_THRESHOLD: z.coerce.number().positive().max(1).default(0.001),
  /** One alert per condition per window of this many seconds; alerts go to the log and, if set, this URL (Slack-compatible). */
  ALERT_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
  ALERT_WEBHOOK_URL: z.string().url().optional(),
  /** Sentry project DSN: unhandled errors and 500s go there, redacted (src/platform/monitoring). Unset or empty: no Sentry at all. */
  SENTRY_DSN: z.union([z.literal(""), z.string().url()]).optional(),
  /** One object per Mailgun webhook token: refuses a token seen within its freshness window, across isolates. */
  WEBHOOK_TOKENS: z.custom<DurableObjectNamespace<WebhookTokenGuard>>((v) => typeof v === "object" && v !== null && "idFromName" in v),
  /**
   * Tests only, and honoured only with DEV_MODE: where SNS certificate and confirmation fetches go
   * instead of AWS (the vetted AWS URL's host and path are appended), so tests can serve both.
   */
  SNS_FETCH_ORIGIN: z.string().url().optional(),
  /**
   * Signs recipients' unsubscribe and preference links: comma-separated `id:base64secret` (32+
   * bytes), the first signs, all verify, so a rotation keeps links in old mail working. Unset: mail
   * goes out without unsubscribe links and the pages answer 500, both logged.
   */
  TOKEN_SIGNING_KEYS: z
    .string()
    .regex(/^[a-zA-Z0-9]{1,16}:[A-Za-z0-9+/_=-]+(,\s*[a-zA-Z0-9]{1,16}:[A-Za-z0-9+/_=-]+)*$/, "id:base64secret[,id:base64secret…]")
    .optional(),
});

export type Env = z.infer<typeof zEnv>;
export type RawEnv = z.input<typeof zEnv>;

/**
 * Parsed environments by the bindings object they came from. An isolate is handed the same object
 * for every request, batch and alarm, and it does not change under it: parsing it once instead of
 * per request takes a zod pass over ~60 variables off every request, the refused ones included.
 */
const parsedEnvs = new WeakMap<object, Env>();

export function parseEnv(raw: unknown): Env {
  const cached = typeof raw === "object" && raw !== null ? parsedEnvs.get(raw) : undefined;
  if (cached) return cached;
  const parsed = zEnv.safeParse(raw);
  const problems = parsed.success ? productionProblems(parsed.data, raw) : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (!parsed.success || problems.length > 0) {
    const detail = problems.join("; ");
    log.error("BAD_ENVIRONMENT", { detail });
    throw new Error(`BAD_ENVIRONMENT: ${detail}`);
  }
  if (typeof raw === "object" && raw !== null) parsedEnvs.set(raw, parsed.data);
  return parsed.data;
}

/** What a production deployment must not start without; PUBLIC_BASE_URL's development default does not count. */
function productionProblems(env: Env, raw: unknown): string[] {
  if (env.ENVIRONMENT !== "production") return [];
  const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).PUBLIC_BASE_URL : undefined;
  const problems: string[] = [];
  if (typeof given !== "string" || !given.startsWith("https://"))
    problems.push("PUBLIC_BASE_URL: must be set to the service's https URL in production (links in every email use it)");
  if (env.DEV_MODE) problems.push("DEV_MODE: must be off in production (it opens /dev/outbox and the capture provider)");
  // Without its own key the suppression list's hashes fall back to SECRETS_KEY, whose rotation would
  // re-key them all and mail again every address that bounced or complained.
  if (!env.EMAIL_HASH_KEY) problems.push("EMAIL_HASH_KEY: must be set in production (it keys the suppression list's address hashes; never reuse SECRETS_KEY)");
  return problems;
}
