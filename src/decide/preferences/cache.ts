import { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import type { Env } from "../../env";
import { log, type Logger, messageOf } from "../../platform/log";
import { ResolvedPreferences } from "./model";

export type RecipientRef = { organizationId: string; recipientId: string };

/**
 * Generation counters read together with the values: a value is served only while both counters
 * still match the ones it was cached under. A reader snapshots the counters before reading
 * PostgreSQL, so a write that commits (and bumps a counter) while it reads cannot leave it stale.
 */
export type Generations = { organization: string; recipient: string };

/** `available: false` when Redis did not answer: callers then skip writing back, which would only wait again. */
export type CacheLookup = { available: boolean; hits: Map<string, ResolvedPreferences>; generations: Map<string, Generations> };

/** The resolved preferences of recipients, cached; every method fails soft (a miss, a no-op). */
export interface PreferenceCache {
  lookup(refs: RecipientRef[]): Promise<CacheLookup>;
  store(entries: { ref: RecipientRef; generations: Generations; preferences: ResolvedPreferences }[]): Promise<void>;
  invalidateRecipient(ref: RecipientRef): Promise<boolean>;
  invalidateOrganization(organizationId: string): Promise<boolean>;
}

export class NoopPreferenceCache implements PreferenceCache {
  async lookup(): Promise<CacheLookup> {
    return { available: false, hits: new Map(), generations: new Map() };
  }
  async store(): Promise<void> {}
  async invalidateRecipient(): Promise<boolean> {
    return true;
  }
  async invalidateOrganization(): Promise<boolean> {
    return true;
  }
}

const Cached = z.object({ g: z.object({ organization: z.string(), recipient: z.string() }), p: ResolvedPreferences });

/** Counters outlive every value (whose TTL is minutes), so an expired counter cannot revive one. */
const GENERATION_TTL_SECONDS = 30 * 24 * 3600;
const PREFIX = "tidings:prefs:v1";
const orgGenKey = (organizationId: string) => `${PREFIX}:org-gen:${organizationId}`;
const recipientGenKey = (r: RecipientRef) => `${PREFIX}:rcp-gen:${r.organizationId}:${r.recipientId}`;
const valueKey = (r: RecipientRef) => `${PREFIX}:val:${r.organizationId}:${r.recipientId}`;

export type RedisCacheOptions = { url: string; token: string; ttlSeconds: number; timeoutMs: number; log?: Logger };

export class RedisPreferenceCache implements PreferenceCache {
  private readonly redis: Redis;

  constructor(private readonly options: RedisCacheOptions) {
    this.redis = new Redis({
      url: options.url,
      token: options.token,
      // Our own deadline bounds every call; the client's retries (5 by default, with backoff) would
      // hold a send up for seconds during an outage. (`retry: false` still tries twice.)
      retry: { retries: 0 },
      enableTelemetry: false,
      automaticDeserialization: false,
      // A function, so an aborted call throws: with a plain signal the client answers `"Aborted"` as the result.
      signal: () => AbortSignal.timeout(options.timeoutMs),
    });
  }

  async lookup(refs: RecipientRef[]): Promise<CacheLookup> {
    const result: CacheLookup = { available: true, hits: new Map(), generations: new Map() };
    if (refs.length === 0) return result;
    const keys = refs.flatMap((r) => [orgGenKey(r.organizationId), recipientGenKey(r), valueKey(r)]);
    const values = await this.bounded("lookup", () => this.redis.mget<(string | null)[]>(...keys));
    if (!values) return { ...result, available: false };
    refs.forEach((ref, i) => {
      const generations = { organization: String(values[i * 3] ?? "0"), recipient: String(values[i * 3 + 1] ?? "0") };
      result.generations.set(ref.recipientId, generations);
      const cached = parseCached(values[i * 3 + 2]);
      if (cached && cached.g.organization === generations.organization && cached.g.recipient === generations.recipient) {
        result.hits.set(ref.recipientId, cached.p);
      }
    });
    return result;
  }

  async store(entries: { ref: RecipientRef; generations: Generations; preferences: ResolvedPreferences }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of entries) pipeline.set(valueKey(e.ref), JSON.stringify({ g: e.generations, p: e.preferences }), { ex: this.options.ttlSeconds });
    await this.bounded("store", () => pipeline.exec());
  }

  async invalidateRecipient(ref: RecipientRef): Promise<boolean> {
    const pipeline = this.redis.pipeline().incr(recipientGenKey(ref)).expire(recipientGenKey(ref), GENERATION_TTL_SECONDS).del(valueKey(ref));
    return (await this.bounded("invalidate recipient", () => pipeline.exec())) !== undefined;
  }

  async invalidateOrganization(organizationId: string): Promise<boolean> {
    const key = orgGenKey(organizationId);
    const pipeline = this.redis.pipeline().incr(key).expire(key, GENERATION_TTL_SECONDS);
    return (await this.bounded("invalidate organization", () => pipeline.exec())) !== undefined;
  }

  /** Runs a Redis call under the deadline; an outage or a slow answer is logged and reads as undefined. */
  private async bounded<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.options.timeoutMs);
    });
    try {
      const outcome = await Promise.race([call(), deadline]);
      if (outcome === "timeout") throw new Error(`no answer within ${this.options.timeoutMs} ms`);
      return outcome;
    } catch (e) {
      (this.options.log ?? log).warn("preference cache unavailable", { operation, error: messageOf(e) });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseCached(raw: string | null | undefined) {
  if (typeof raw !== "string") return undefined;
  try {
    const parsed = Cached.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Redis when the Upstash URL and token are set; otherwise no cache (`npm run dev` without Redis). */
export function createPreferenceCache(env: Env, logger: Logger = log): PreferenceCache {
  if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) return new NoopPreferenceCache();
  return new RedisPreferenceCache({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    ttlSeconds: env.PREFERENCE_CACHE_TTL_SECONDS,
    timeoutMs: env.PREFERENCE_CACHE_TIMEOUT_MS,
    log: logger,
  });
}
