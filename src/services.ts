import { createPreferenceCache, type PreferenceCache } from "./decide/preferences/cache";
import type { Env } from "./env";
import { type AlertSink, createAlertSink } from "./platform/alerts/fire";
import { type EmailHashKeys, emailHashKey, emailHashKeys } from "./platform/crypto/email-hash";
import type { SealingKeys } from "./platform/crypto/sealed-box";
import { sealingKeys } from "./platform/crypto/sealing-keys";
import { type KeysError, loadTokenKeys, type TokenKeys } from "./platform/crypto/token-keys";
import { type Database, openDatabase } from "./platform/db/client";
import { createLogger, type Logger } from "./platform/log";
import type { Result } from "./platform/result";
import { type RateLimiter, redisRateLimiter, unlimited } from "./platform/rate-limit";
import { type Clock, systemClock } from "./platform/time/clock";
import type { DkimConfig } from "./providers/shared/dkim";
import { BatchCircuits } from "./send/circuits";
import type { ProviderHandle } from "./send/failover";
import { loadProviderChains } from "./send/provider-chains";

/**
 * What request handlers, queue consumers, cron jobs and alarms need, built once per request,
 * batch or alarm and handed down: no stage builds its own cache, circuits or keys from `env`.
 */
export type Services = {
  env: Env;
  db: Database;
  log: Logger;
  clock: Clock;
  /** Recipients' resolved preferences (Redis when configured, else no cache). */
  preferences: PreferenceCache;
  /** This batch's view of the provider circuits: one Durable Object call per circuit to admit, one to report. */
  circuits: BatchCircuits;
  /** Keys imported once per isolate: sealing (provider credentials, DKIM keys), the address-hash key, link and session signing. */
  keys: {
    sealing(): Promise<SealingKeys | undefined>;
    emailHash(): Promise<CryptoKey | undefined>;
    /** The current address-hash key and, after a rotation, the previous one: look-ups by address use both. */
    emailHashes(): Promise<EmailHashKeys | undefined>;
    tokens(): Promise<Result<TokenKeys, KeysError>>;
  };
  /** Each organisation's provider chain (its own, else the environment's), one query per call; SES and SMTP sign with the organisation's key in `dkim`. */
  providerChains(organizationIds: string[], dkim: Map<string, DkimConfig>): Promise<Map<string, ProviderHandle[]>>;
  alerts: AlertSink;
  /** Token buckets in Redis per API key, organisation and client IP; without Redis, none. */
  rateLimits: RateLimiter;
  /** Releases the database pool; call it from `waitUntil` so the response is not held up. */
  close: () => Promise<void>;
};

/** What a caller may replace: the request's logger, and in tests the clock and the preference cache. */
export type ServiceOverrides = Partial<Pick<Services, "clock" | "log" | "preferences">>;

/** Built on first use: a request that never sends or decides pays nothing for circuits, cache or alerts. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export function createServices(env: Env, overrides: ServiceOverrides = {}): Services {
  const database = openDatabase(env);
  const log = overrides.log ?? createLogger();
  const clock = overrides.clock ?? systemClock;
  const preferences = lazy(() => overrides.preferences ?? createPreferenceCache(env, log));
  const circuits = lazy(
    () => new BatchCircuits(env.PROVIDER_CIRCUIT, { failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD, cooldownSeconds: env.CIRCUIT_COOLDOWN_SECONDS }, () => clock.now().getTime()),
  );
  const rateLimits = lazy(() => createRateLimiter(env, log));
  const alerts = lazy(() => createAlertSink({ db: database.db, clock, log, windowSeconds: env.ALERT_WINDOW_SECONDS, webhookUrl: env.ALERT_WEBHOOK_URL }));
  const services: Services = {
    env,
    db: database.db,
    log,
    clock,
    get preferences() {
      return preferences();
    },
    get circuits() {
      return circuits();
    },
    keys: { sealing: () => sealingKeys(env), emailHash: async () => emailHashKey(env), emailHashes: () => emailHashKeys(env), tokens: () => loadTokenKeys(env) },
    providerChains: (organizationIds, dkim) => loadProviderChains(services, organizationIds, dkim),
    get alerts() {
      return alerts();
    },
    get rateLimits() {
      return rateLimits();
    },
    close: database.close,
  };
  return services;
}

function createRateLimiter(env: Env, log: Logger): RateLimiter {
  if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) return unlimited;
  const perMinute = (n: number) => ({ refill: n, interval: "1 m" as const, burst: n });
  return redisRateLimiter({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: env.PREFERENCE_CACHE_TIMEOUT_MS,
    log,
    rates: {
      key: { refill: env.RATE_LIMIT_KEY_PER_SECOND, interval: "1 s", burst: env.RATE_LIMIT_KEY_PER_SECOND * 2 },
      organizationRecipients: {
        refill: env.RATE_LIMIT_RECIPIENTS_PER_SECOND,
        interval: "1 s",
        burst: env.RATE_LIMIT_RECIPIENTS_BURST ?? env.RATE_LIMIT_RECIPIENTS_PER_SECOND * 10,
      },
      ipLogin: perMinute(env.RATE_LIMIT_LOGIN_PER_MINUTE),
      ipPages: perMinute(env.RATE_LIMIT_PAGES_PER_MINUTE),
      ipWebhooks: perMinute(env.RATE_LIMIT_WEBHOOKS_PER_MINUTE),
    },
  });
}
