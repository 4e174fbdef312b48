import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { HonoEnv } from "../../context";
import { ApiError, type FieldError } from "../errors";
import { findUnstorableText, isStorableText, jsonDepthProblem } from "../json-text";

export type RequestLimitOptions = {
  /** Bytes a body may have, unless `smaller` names a tighter limit for its path. */
  maxBodyBytes?: number;
  /** Tighter limits for some paths, first match wins. */
  smaller?: [RegExp, number][];
  /** How deeply JSON may nest: far past any real payload, short of what recursion and PostgreSQL choke on. */
  maxDepth?: number;
  /** Paths whose handlers read the raw bytes themselves (signatures cover them): left alone. */
  rawPaths?: RegExp;
};

/**
 * Every route that reads a body gets a size limit, and every JSON body is checked before any
 * handler sees it: nested no deeper than `maxDepth`, and no string (key or value) with a NUL or
 * an unpaired surrogate, which PostgreSQL's jsonb and text types refuse. Such a body is a 400
 * naming where the problem is, never a 500 from the database.
 */
/** Webhook routes read their bodies as raw bytes for signature checks. */
const WEBHOOKS = /^\/webhooks\//;

export const requestLimits = ({ maxBodyBytes = 512 * 1024, smaller = [], maxDepth = 32, rawPaths = WEBHOOKS }: RequestLimitOptions = {}): MiddlewareHandler<HonoEnv> => {
  const limiter = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("PAYLOAD_TOO_LARGE", `The body is larger than ${maxSize} bytes.`);
      },
    });
  const limits = smaller.map(([path, size]) => [path, limiter(size)] as const);
  const fallback = limiter(maxBodyBytes);
  return async function requestLimits(c, next) {
    const urlProblem = unstorableInUrl(c.req.url);
    if (urlProblem) throw new ApiError("BAD_REQUEST", `The URL cannot be accepted: ${urlProblem.message}.`, [urlProblem]);
    if (rawPaths.test(c.req.path) || c.req.method === "GET" || c.req.method === "HEAD") return next();
    const limit = limits.find(([path]) => path.test(c.req.path))?.[1] ?? fallback;
    return limit(c, async () => {
      if (/^application\/(.+\+)?json\b/i.test(c.req.header("content-type") ?? "")) {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          // Not JSON: the route's validator answers that with its own 400.
          return next();
        }
        const problem = jsonDepthProblem(body, maxDepth) ?? findUnstorableText(body);
        if (problem) throw new ApiError("BAD_REQUEST", `The JSON body cannot be accepted: ${problem.message}.`, [problem satisfies FieldError]);
      }
      await next();
    });
  };
};

/** A path segment or query parameter that decodes to a NUL (`%00`): no id, key or filter holds one, and PostgreSQL would refuse it. */
function unstorableInUrl(url: string): FieldError | undefined {
  const { pathname, searchParams } = new URL(url);
  for (const segment of pathname.split("/")) {
    if (!isStorableText(decodeLikeTheRouter(segment))) return { path: "path", message: "a path segment contains a NUL character or an unpaired surrogate" };
  }
  for (const [name, value] of searchParams) {
    if (!isStorableText(name) || !isStorableText(value))
      return { path: `query.${isStorableText(name) ? name : "?"}`, message: "contains a NUL character or an unpaired surrogate" };
  }
  return undefined;
}

/**
 * A path segment as Hono hands it to a route: decoded whole when it is valid UTF-8, else run of
 * escapes by run, each left encoded when it does not decode; so `%ED%A0%80x%00` still reaches the
 * route with its NUL decoded.
 */
function decodeLikeTheRouter(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
