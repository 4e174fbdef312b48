import type { Breadcrumb, Event } from "@sentry/cloudflare";
import { describeError, formatSummary } from "../redact/errors";
import { redactText, redactUrl } from "../redact/text";
import { redactValue as redactWith } from "../redact/value";

/**
 * What leaves for Sentry must carry no personal data: recipients' addresses show up in URLs
 * (`/v1/suppressions/{email}`), error messages and log breadcrumbs, and keys and signed links in
 * headers, paths and query strings. Everything an event or breadcrumb holds goes through the one
 * redaction rule (src/platform/redact), as the last step before it is sent; the SDK's own
 * collection is switched off as well (sentry.ts).
 */

/** Request headers worth a look when debugging, none of them personal. */
const KEPT_HEADERS = new Set(["accept", "content-length", "content-type", "cf-ray", "host", "user-agent", "x-request-id"]);

/** Breadcrumb fields kept: what an HTTP or console breadcrumb needs to be read, nothing it was sent. */
const KEPT_BREADCRUMB_DATA = new Set(["method", "status_code", "url", "reason", "logger", "level"]);

/** Sentry's schema has no place for a marker: private keys are dropped, not marked. */
const redactValue = (value: unknown, depth: number): unknown => redactWith(value, "drop", depth);

/**
 * Each exception's value as the one rule describes the error it came from (kind, code, SQL text,
 * never bound parameters or the server's DETAIL). The SDK lists the cause chain deepest first and
 * the error itself last; when the chain does not line up (an AggregateError), only the last is
 * replaced and the rest keep the text rule.
 */
function describeExceptions(values: NonNullable<NonNullable<Event["exception"]>["values"]>, original: unknown): void {
  const chain: unknown[] = [];
  for (let e: unknown = original; e instanceof Error && chain.length < values.length; e = (e as { cause?: unknown }).cause) chain.push(e);
  const pairs = chain.length === values.length ? chain : chain.slice(0, 1);
  pairs.forEach((error, i) => {
    const value = values[values.length - 1 - i];
    if (value?.value !== undefined) value.value = formatSummary(describeError(error));
  });
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
 * The event as it may be sent: exceptions described by the error they came from (when the SDK
 * hands it over), addresses, keys and link tokens replaced everywhere; the request
 * reduced to its method, its URL without query values and a few plain headers (no body, cookies,
 * authorization or client address); no user; breadcrumbs as `redactBreadcrumb` leaves them.
 */
export function redactEvent<E extends Event>(event: E, originalException?: unknown): E {
  const { request, user: _user, breadcrumbs, sdkProcessingMetadata, ...rest } = event;
  const redacted = redactValue(rest, 0) as E;
  if (originalException instanceof Error && redacted.exception?.values) describeExceptions(redacted.exception.values, originalException);
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
