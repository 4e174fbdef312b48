import type { MiddlewareHandler } from "hono";
import type { ApiKeyRole, KeyRefusal } from "../auth/api-key";
import { verifyApiKeyCached } from "../auth/api-key";
import type { HonoEnv } from "../../context";
import { ApiError, type ErrorCode } from "../errors";
import { presentedKey } from "./key-gate";

export type AuthOptions = { roles: readonly ApiKeyRole[] };

const KEY_REFUSALS = {
  unknown_key: ["UNAUTHORIZED", "The API key is not valid."],
  revoked_key: ["KEY_REVOKED", "This API key has been revoked; ask an admin of your organisation for a new one."],
  expired_key: ["KEY_EXPIRED", "This API key has expired (a rotation's grace period ends this way); use the key that replaced it."],
} as const satisfies Record<KeyRefusal, readonly [ErrorCode, string]>;

/**
 * Bearer API key → the caller's organisation and role; the key's role must be one of `roles`.
 * The key's limits were taken by `keyGate` (src/platform/http/key-gate.ts) before the body was read.
 */
export const requireApiKey = ({ roles }: AuthOptions): MiddlewareHandler<HonoEnv> =>
  async function requireApiKey(c, next) {
    const key = presentedKey(c.req.header("authorization"));
    if (!key) throw new ApiError("UNAUTHORIZED", "Send your API key as `Authorization: Bearer <key>`.");
    const { db, clock, env } = c.get("services");
    const verified = await verifyApiKeyCached(db, key, clock.now(), env.API_KEY_CACHE_SECONDS, c.get("keyHash"));
    if (!verified.ok) {
      const [code, message] = KEY_REFUSALS[verified.error];
      throw new ApiError(code, message);
    }
    if (!roles.includes(verified.value.role)) {
      throw new ApiError("FORBIDDEN", `This API key's role (${verified.value.role}) cannot do this; it needs one of: ${roles.join(", ")}.`);
    }
    c.set("caller", verified.value);
    await next();
  };
