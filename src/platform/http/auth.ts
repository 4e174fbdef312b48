import type { MiddlewareHandler } from "hono";
import type { ApiKeyRole, KeyRefusal } from "../auth/api-key";
import { sha256Hex, verifyApiKey } from "../auth/api-key";
import type { HonoEnv } from "../../context";
import { ApiError, type ErrorCode } from "../errors";
import { enterInFlight } from "./in-flight";
import { rateLimited } from "./rate-limit";

export type AuthOptions = { roles: readonly ApiKeyRole[] };

const KEY_REFUSALS = {
  unknown_key: ["UNAUTHORIZED", "The API key is not valid."],
  revoked_key: ["KEY_REVOKED", "This API key has been revoked; ask an admin of your organisation for a new one."],
  expired_key: ["KEY_EXPIRED", "This API key has expired (a rotation's grace period ends this way); use the key that replaced it."],
} as const satisfies Record<KeyRefusal, readonly [ErrorCode, string]>;

/** Bearer API key → the caller's organisation and role; the key's role must be one of `roles`. */
export const requireApiKey = ({ roles }: AuthOptions): MiddlewareHandler<HonoEnv> =>
  async function requireApiKey(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ApiError("UNAUTHORIZED", "Send your API key as `Authorization: Bearer <key>`.");
    // Counted per presented key before the database is asked: a client hammering with a key (good
    // or forged) is refused for the price of a hash, and, once refused, from the limiter's in-isolate
    // cache without even a Redis call, so a flood of refusals costs the other tenants nothing.
    const presented = await sha256Hex(match[1]);
    const leave = enterInFlight(presented, c.get("services").env.RATE_LIMIT_KEY_CONCURRENCY);
    if (!leave) throw rateLimited(1, "requests in flight with this API key");
    try {
      const limit = await c.get("services").rateLimits.take("key", presented);
      if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds, "requests with this API key");
      const verified = await verifyApiKey(c.get("services").db, match[1], c.get("services").clock.now());
      if (!verified.ok) {
        const [code, message] = KEY_REFUSALS[verified.error];
        throw new ApiError(code, message);
      }
      if (!roles.includes(verified.value.role)) {
        throw new ApiError("FORBIDDEN", `This API key's role (${verified.value.role}) cannot do this; it needs one of: ${roles.join(", ")}.`);
      }
      c.set("caller", verified.value);
      await next();
    } finally {
      leave();
    }
  };
