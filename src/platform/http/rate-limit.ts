import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../context";
import { ApiError } from "../errors";
import type { Bucket } from "../rate-limit";

/** The client's address as Cloudflare gives it; locally (no edge in front) every client shares one bucket. */
export const clientIp = (header: (name: string) => string | undefined): string => header("cf-connecting-ip") ?? header("x-real-ip") ?? "local";

/** A refusal in the error envelope, with Retry-After for clients that honour it. */
export function rateLimited(retryAfterSeconds: number, what: string): ApiError {
  return new ApiError("RATE_LIMITED", `Too many ${what}; try again in ${retryAfterSeconds} s.`, undefined, { "Retry-After": String(retryAfterSeconds) });
}

/** Limits requests per client IP on a public route, before the route touches the database. */
export const limitByIp = (bucket: Extract<Bucket, "ipLogin" | "ipPages" | "ipWebhooks">): MiddlewareHandler<HonoEnv> =>
  async function limitByIp(c, next) {
    // Only what can change something or costs a database look-up is counted: sign-in posts, every page and webhook request.
    if (bucket === "ipLogin" && c.req.method !== "POST") return next();
    const verdict = await c.get("services").rateLimits.take(
      bucket,
      clientIp((name) => c.req.header(name)),
    );
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds, "requests from this address");
    await next();
  };
