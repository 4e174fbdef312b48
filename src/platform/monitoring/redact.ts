import type { Breadcrumb, Event } from "@sentry/cloudflare";

/**
 * What leaves for Sentry must carry no personal data: recipients' addresses show up in URLs
 * (`/v1/suppressions/{email}`), error messages and log breadcrumbs, and keys and signed links in
 * headers, paths and query strings. Everything an event or breadcrumb holds goes through here, as
 * the last step before it is sent; the SDK's own collection is switched off as well (sentry.ts).
 */

const EMAIL = /[\p{L}\p{N}._%+-]+(?:@|%40)(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}/giu;
const API_KEY = /\btid_[A-Za-z0-9_-]+/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
// Recipients' pages carry a signed link token as their last path segment.
const PAGE_TOKEN = /\/(u|p)\/[^/?#\s"']+/g;
// Drizzle's "Failed query: … \nparams: …" carries the bound values: addresses, names, an event's data.
const QUERY_PARAMS = /params: (?:(?!\\n)[^\n])*/g;

/** Keys whose values are never sent, at any depth: secrets, bodies and the events' template data. */
const DROPPED_KEY =
  /^(authorization|proxy-authorization|cookies?|set-cookie|password|secret|token|api[_-]?key|private[_-]?key|credentials|signature|body|data|payload|recipients|variables|env)$/i;

/** Request headers worth a look when debugging, none of them personal. */
const KEPT_HEADERS = new Set(["accept", "content-length", "content-type", "cf-ray", "host", "user-agent", "x-request-id"]);

/** Breadcrumb fields kept: what an HTTP or console breadcrumb needs to be read, nothing it was sent. */
const KEPT_BREADCRUMB_DATA = new Set(["method", "status_code", "url", "reason", "logger", "level"]);

const MAX_DEPTH = 12;

export function redactText(text: string): string {
  return text
    .replace(EMAIL, "[email]")
    .replace(API_KEY, "[api-key]")
    .replace(BEARER, "$1 [redacted]")
    .replace(PAGE_TOKEN, "/$1/[token]")
    .replace(QUERY_PARAMS, "params: [redacted]");
}

/** A URL without its query's values (names stay: they say which filter was used) and without addresses or tokens. */
export function redactUrl(url: string): string {
  const [base = "", ...rest] = url.split("?");
  const query = rest.join("?").split("#")[0] ?? "";
  const names = query
    .split("&")
    .filter(Boolean)
    .map((pair) => `${pair.split("=")[0]}=[redacted]`);
  return redactText(base.split("#")[0] ?? "") + (names.length > 0 ? `?${redactText(names.join("&"))}` : "");
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (DROPPED_KEY.test(key)) continue;
    out[redactText(key)] = redactValue(item, depth + 1);
  }
  return out;
}

function redactRequest(request: NonNullable<Event["request"]>): Event["request"] {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (KEPT_HEADERS.has(name.toLowerCase())) headers[name] = redactText(String(value));
  }
  return {
    ...(request.method ? { method: request.method } : {}),
    ...(request.url ? { url: redactUrl(request.url) } : {}),
    headers,
  };
}

export function redactBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(breadcrumb.data ?? {})) {
    if (!KEPT_BREADCRUMB_DATA.has(key)) continue;
    data[key] = key === "url" && typeof value === "string" ? redactUrl(value) : redactValue(value, 1);
  }
  const { data: _dropped, message, ...rest } = breadcrumb;
  return {
    ...(redactValue(rest, 0) as Breadcrumb),
    ...(message !== undefined ? { message: redactText(message) } : {}),
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
}

/**
 * The event as it may be sent: addresses, keys and link tokens replaced everywhere; the request
 * reduced to its method, its URL without query values and a few plain headers (no body, cookies,
 * authorization or client address); no user; breadcrumbs as `redactBreadcrumb` leaves them.
 */
export function redactEvent<E extends Event>(event: E): E {
  const { request, user: _user, breadcrumbs, sdkProcessingMetadata, ...rest } = event;
  const redacted = redactValue(rest, 0) as E;
  if (request) redacted.request = redactRequest(request);
  if (breadcrumbs) redacted.breadcrumbs = breadcrumbs.map(redactBreadcrumb);
  if (sdkProcessingMetadata) redacted.sdkProcessingMetadata = redactProcessingMetadata(sdkProcessingMetadata);
  return redacted;
}

/**
 * The SDK's own bookkeeping: dropped before the event is sent, except the trace context that
 * becomes the envelope's header. Its keys stay as they are (the SDK reads them after this runs);
 * the raw request, the client's address and text that could hold an address go.
 */
function redactProcessingMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const { normalizedRequest: _request, ipAddress: _ip, dynamicSamplingContext, ...rest } = metadata;
  return { ...rest, ...(dynamicSamplingContext !== undefined ? { dynamicSamplingContext: redactValue(dynamicSamplingContext, 1) } : {}) };
}
