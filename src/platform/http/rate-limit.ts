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

/**
 * Holds a refusal back for part of its Retry-After before answering it. A client that honours
 * Retry-After loses nothing (it would wait that long anyway); one that ignores it, re-asking the
 * moment each 429 lands, gets one answer per pause per connection instead of thousands a second,
 * so its refusals stop crowding the other tenants' requests off the isolate's thread. A pending
 * timer costs no CPU.
 */
export async function pauseBeforeRefusing(retryAfterSeconds: number, maxPauseMs: number): Promise<void> {
  const ms = Math.min(retryAfterSeconds * 1000, maxPauseMs);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
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
