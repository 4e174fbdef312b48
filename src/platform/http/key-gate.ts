import type { MiddlewareHandler } from "hono";
import { apiKeyHash } from "../auth/api-key";
import type { HonoEnv } from "../../context";
import { enterInFlight } from "./in-flight";
import { pauseBeforeRefusing, rateLimited } from "./rate-limit";

const BEARER = /^Bearer\s+(\S+)$/i;

/** The API key a request presents, if it presents one the way the API asks. */
export function presentedKey(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? "")?.[1];
}

/**
 * Per presented key (good or forged): requests in flight and requests per second, checked before
 * the body is read and before the database is asked. Registered ahead of the body checks, so a
 * client hammering the API is refused for the price of a hash and, once refused, from the
 * limiter's in-isolate cache without a Redis call: a flood of refusals costs other tenants little.
 * Requests without a key pass; `requireApiKey` refuses those.
 */
export const keyGate = (): MiddlewareHandler<HonoEnv> =>
  async function keyGate(c, next) {
    const key = presentedKey(c.req.header("authorization"));
    if (!key) return next();
    const { env, rateLimits } = c.get("services");
    const hash = await apiKeyHash(key);
    c.set("keyHash", hash);
    const leave = enterInFlight(hash, env.RATE_LIMIT_KEY_CONCURRENCY);
    if (!leave) {
      await pauseBeforeRefusing(1, env.RATE_LIMIT_REFUSAL_PAUSE_MS);
      throw rateLimited(1, "requests in flight with this API key");
    }
    try {
      const limit = await rateLimits.take("key", hash);
      if (!limit.allowed) {
        await pauseBeforeRefusing(limit.retryAfterSeconds, env.RATE_LIMIT_REFUSAL_PAUSE_MS);
        throw rateLimited(limit.retryAfterSeconds, "requests with this API key");
      }
      await next();
    } finally {
      leave();
    }
  };
