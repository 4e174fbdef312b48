import type { Breadcrumb, ErrorEvent } from "@sentry/cloudflare";
import { describe, expect, it } from "vitest";
import { redactBreadcrumb, redactEvent } from "../../src/platform/monitoring/redact";
import { redactText, redactUrl } from "../../src/platform/redact/text";

const ADDRESS = "ada.lovelace+news@example.co.uk";

describe("redactText", () => {
  it.each([
    [`could not send to ${ADDRESS}`, "could not send to [email]"],
    ["to=ada%40example.com&x=1", "to=[email]&x=1"],
    ["Grüße an jürgen@bücher.de", "Grüße an [email]"],
    ["key tid_abc123_XYZ-9 refused", "key [api-key] refused"],
    ["authorization: Bearer eyJhbGciOi.payload.sig", "authorization: Bearer [redacted]"],
    ["GET /u/v1.k2.abcdef-123_x?x=1 and /p/tok", "GET /u/[token]?x=1 and /p/[token]"],
    [
      'Failed query: insert into "events" values ($1, $2)\nparams: acme,{"comment":"salary talk"}\n    at x',
      'Failed query: insert into "events" values ($1, $2)\nparams: [redacted]\n    at x',
    ],
    ['{"error":"Failed query: select 1\\nparams: Ada,42\\n    at y"}', '{"error":"Failed query: select 1\\nparams: [redacted]\\n    at y"}'],
    ["nothing personal here: 42 notifications", "nothing personal here: 42 notifications"],
  ])("redacts %j", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe("redactUrl", () => {
  it("keeps the query's names, never its values, and scrubs addresses in the path", () => {
    expect(redactUrl(`https://tidings.test/v1/suppressions/${encodeURIComponent(ADDRESS)}?token=s3cret&limit=5#frag`)).toBe(
      "https://tidings.test/v1/suppressions/[email]?token=[redacted]&limit=[redacted]",
    );
  });

  it("leaves a URL without a query as it was, apart from tokens", () => {
    expect(redactUrl("https://tidings.test/p/abc.def")).toBe("https://tidings.test/p/[token]");
  });
});

describe("redactEvent", () => {
  const event = (): ErrorEvent => ({
    type: undefined,
    event_id: "e1",
    message: `failed for ${ADDRESS}`,
    transaction: `POST /v1/suppressions/${ADDRESS}`,
    exception: { values: [{ type: "Error", value: `recipient ${ADDRESS} bounced`, mechanism: { type: "generic", handled: true, data: { to: ADDRESS } } }] },
    extra: { recipient: { email: ADDRESS, name: "Ada" }, body: "raw body", data: { comment: "hello" }, count: 3 },
    contexts: { notification: { id: "n1", to: ADDRESS } },
    tags: { requestId: "r1", who: ADDRESS },
    user: { ip_address: "203.0.113.9", email: ADDRESS },
    request: {
      method: "POST",
      url: `https://tidings.test/v1/events?email=${encodeURIComponent(ADDRESS)}&token=s3cret`,
      query_string: `email=${encodeURIComponent(ADDRESS)}&token=s3cret`,
      data: { recipients: [{ email: ADDRESS }] },
      cookies: { tidings_session: "s3cret" },
      env: { REMOTE_ADDR: "203.0.113.9" },
      headers: {
        Authorization: "Bearer tid_live_key",
        Cookie: "tidings_session=s3cret",
        "content-type": "application/json",
        "cf-connecting-ip": "203.0.113.9",
        "user-agent": "curl/8",
      },
    },
    breadcrumbs: [{ category: "console", message: `{"msg":"sent","to":"${ADDRESS}"}`, data: { arguments: [ADDRESS], logger: "console" } }],
    sdkProcessingMetadata: {
      normalizedRequest: { headers: { authorization: "Bearer tid_live_key" } },
      ipAddress: "203.0.113.9",
      dynamicSamplingContext: { trace_id: "t1", transaction: `GET /v1/suppressions/${ADDRESS}` },
    },
  });

  it("leaves no address, key, cookie, body, client address or query value anywhere in the event", () => {
    const text = JSON.stringify(redactEvent(event()));
    for (const secret of ["ada.lovelace", "%40", "tid_live_key", "s3cret", "raw body", "hello", "203.0.113.9"]) expect(text, secret).not.toContain(secret);
  });

  it("reduces the request to its method, its URL without query values, and plain headers", () => {
    expect(redactEvent(event()).request).toEqual({
      method: "POST",
      url: "https://tidings.test/v1/events?email=[redacted]&token=[redacted]",
      headers: { "content-type": "application/json", "user-agent": "curl/8" },
    });
  });

  it("keeps what an error report is for: the error's type, its redacted message, tags and counts", () => {
    const redacted = redactEvent(event());
    expect(redacted.exception?.values?.[0]).toMatchObject({ type: "Error", value: "recipient [email] bounced" });
    expect(redacted.tags).toEqual({ requestId: "r1", who: "[email]" });
    // A recipient goes whole: their name is as personal as their address, and no pattern finds a name.
    expect(redacted.extra).toEqual({ count: 3 });
    expect(redacted.user).toBeUndefined();
    expect(redacted.sdkProcessingMetadata).toEqual({ dynamicSamplingContext: { trace_id: "t1", transaction: "GET /v1/suppressions/[email]" } });
  });
});

describe("redactBreadcrumb", () => {
  it("keeps an HTTP breadcrumb's method, status and URL without query values, and drops the rest of its data", () => {
    const crumb: Breadcrumb = {
      category: "fetch",
      type: "http",
      data: { method: "POST", status_code: 202, url: `https://api.sendgrid.com/v3/mail/send?to=${ADDRESS}`, request_body_size: 120, body: `{"to":"${ADDRESS}"}` },
    };
    expect(redactBreadcrumb(crumb)).toEqual({
      category: "fetch",
      type: "http",
      data: { method: "POST", status_code: 202, url: "https://api.sendgrid.com/v3/mail/send?to=[redacted]" },
    });
  });

  it("redacts a console breadcrumb's message and drops its logged arguments", () => {
    const crumb: Breadcrumb = { category: "console", level: "error", message: `unhandled for ${ADDRESS}`, data: { arguments: [ADDRESS], logger: "console" } };
    expect(redactBreadcrumb(crumb)).toEqual({ category: "console", level: "error", message: "unhandled for [email]", data: { logger: "console" } });
  });
});
