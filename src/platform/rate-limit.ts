import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis/cloudflare";
import type { Logger } from "./log";
import { messageOf } from "./log";

/**
 * What is limited, and by what: requests per API key, recipients per organisation (an event to
 * 1,000 people costs 1,000), and requests per client IP on the public routes (sign-in, the
 * recipients' pages, the webhooks), checked before any database work.
 */
export type Bucket = "key" | "organizationRecipients" | "ipLogin" | "ipPages" | "ipWebhooks";

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes `cost` tokens from the identifier's bucket. Never throws: a limiter that cannot answer lets the request through. */
  take(bucket: Bucket, identifier: string, cost?: number): Promise<Verdict>;
}

/** Tokens refilled per interval, and the most a bucket holds (the burst). */
export type Rate = { refill: number; interval: "1 s" | "1 m"; burst: number };
export type Rates = Record<Bucket, Rate>;

export const ALLOW: Verdict = { allowed: true };

/** No Redis configured: nothing is limited (`npm run dev` without Redis). */
export const unlimited: RateLimiter = { take: async () => ALLOW };

/**
 * Isolate-scoped limiters, one per bucket and configuration: @upstash/ratelimit keeps a cache of
 * identifiers it has refused, which only helps while the instance outlives the request.
 */
const limiters = new Map<string, Ratelimit>();

export type RedisRateLimiterOptions = { url: string; token: string; rates: Rates; timeoutMs: number; log: Logger };

/**
 * Token buckets in Redis (Upstash), shared by every isolate. When Redis is slow or down the
 * request passes and a line is logged: losing the limit for a while is better than losing mail.
 */
export function redisRateLimiter({ url, token, rates, timeoutMs, log }: RedisRateLimiterOptions): RateLimiter {
  const limiterFor = (bucket: Bucket) => {
    const { refill, interval, burst } = rates[bucket];
    const key = `${url}|${bucket}|${refill}|${interval}|${burst}`;
    let limiter = limiters.get(key);
    if (!limiter) {
      const redis = new Redis({ url, token, retry: { retries: 0 }, enableTelemetry: false, signal: () => AbortSignal.timeout(timeoutMs) });
      limiter = new Ratelimit({ redis, limiter: Ratelimit.tokenBucket(refill, interval, burst), prefix: `tidings:rl:${bucket}`, timeout: timeoutMs, analytics: false });
      limiters.set(key, limiter);
    }
    return limiter;
  };
  return {
    async take(bucket, identifier, cost = 1) {
      try {
        // A request that costs more than the bucket can ever hold (an event to more recipients than
        // the burst) empties it instead of waiting for tokens that never come.
        const result = await limiterFor(bucket).limit(identifier, { rate: Math.min(cost, rates[bucket].burst) });
        if (result.success) return ALLOW;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
      } catch (e) {
        log.warn("rate limit not checked; letting the request through", { bucket, error: messageOf(e) });
        return ALLOW;
      }
    },
  };
}
