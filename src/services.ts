import { createPreferenceCache, type PreferenceCache } from "./decide/preferences/cache";
import type { Env } from "./env";
import { type AlertSink, createAlertSink } from "./platform/alerts/fire";
import { emailHashKey } from "./platform/crypto/email-hash";
import type { SealingKeys } from "./platform/crypto/sealed-box";
import { sealingKeys } from "./platform/crypto/sealing-keys";
import { type Database, openDatabase } from "./platform/db/client";
import { createLogger, type Logger } from "./platform/log";
import { type Clock, systemClock } from "./platform/time/clock";
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
  /** Keys imported once per isolate: sealing (provider credentials, DKIM keys) and the address-hash key. */
  keys: { sealing(): Promise<SealingKeys | undefined>; emailHash(): Promise<CryptoKey | undefined> };
  /** Each organisation's provider chain (its own, else the environment's), one query per call. */
  providerChains(organizationIds: string[]): Promise<Map<string, ProviderHandle[]>>;
  alerts: AlertSink;
  /** Releases the database pool; call it from `waitUntil` so the response is not held up. */
  close: () => Promise<void>;
};

/** Tests replace what they must pin (the clock) or observe; production passes nothing. */
export type ServiceOverrides = Partial<Services>;

export function createServices(env: Env, overrides: ServiceOverrides = {}): Services {
  const database = openDatabase(env);
  const log = overrides.log ?? createLogger();
  const clock = overrides.clock ?? systemClock;
  const services: Services = {
    env,
    db: database.db,
    log,
    clock,
    preferences: overrides.preferences ?? createPreferenceCache(env, log),
    circuits: new BatchCircuits(env.PROVIDER_CIRCUIT, { failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD, cooldownSeconds: env.CIRCUIT_COOLDOWN_SECONDS }),
    keys: { sealing: () => sealingKeys(env), emailHash: async () => emailHashKey(env) },
    providerChains: (organizationIds) => loadProviderChains(services, organizationIds),
    alerts: createAlertSink({ db: database.db, clock, log, windowSeconds: env.ALERT_WINDOW_SECONDS, webhookUrl: env.ALERT_WEBHOOK_URL }),
    close: database.close,
  };
  return services;
}
