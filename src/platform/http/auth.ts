import type { MiddlewareHandler } from "hono";
import type { ApiKeyRole } from "../auth/api-key";
import { verifyApiKey } from "../auth/api-key";
import type { HonoEnv } from "../../context";
import { ApiError } from "../errors";
import { rateLimited } from "./rate-limit";

export type AuthOptions = { roles: readonly ApiKeyRole[] };

/** Bearer API key → the caller's organisation and role; the key's role must be one of `roles`. */
export const requireApiKey = ({ roles }: AuthOptions): MiddlewareHandler<HonoEnv> =>
  async function requireApiKey(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ApiError("UNAUTHORIZED", "Send your API key as `Authorization: Bearer <key>`.");
    const verified = await verifyApiKey(c.get("services").db, match[1]);
    if (!verified.ok) throw new ApiError("UNAUTHORIZED", "The API key is not valid or has been revoked.");
    if (!roles.includes(verified.value.role)) {
      throw new ApiError("FORBIDDEN", `This API key's role (${verified.value.role}) cannot do this; it needs one of: ${roles.join(", ")}.`);
    }
    const limit = await c.get("services").rateLimits.take("key", verified.value.apiKeyId);
    if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds, "requests with this API key");
    c.set("caller", verified.value);
    await next();
  };
