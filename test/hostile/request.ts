import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { expect } from "vitest";
import { codeToStatus, ErrorCode, ErrorEnvelope } from "../../src/platform/errors";
import { BROWSER_ACCEPT } from "../fixtures/http";
import worker from "../../src/index";
import type { RawEnv } from "../../src/env";
import { headerValue, hostileString, hostileValue } from "./values";

export type HostileRequest = {
  method: string;
  /** Path with its segments already encoded. */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string | Uint8Array;
};

export type Answer = { status: number; headers: Headers; text: string };

/**
 * Percent-encodes text for a URL byte by byte, lone surrogates included (as the bytes WTF-8 gives
 * them, which no UTF-8 decoder accepts): what a hand-made client can send, not what a browser would.
 */
export function encodeComponent(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else {
      out += encodeURIComponent(text[i] ?? "");
    }
  }
  return out;
}

/** A path or query value: ordinary, hostile, or long; URLs stay under the 16 KiB most front ends allow. */
export const urlText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 20 }), weight: 2 },
  { arbitrary: fc.uuid(), weight: 1 },
  { arbitrary: hostileString.map((s) => s.slice(0, 2_000)), weight: 4 },
);

export const query: fc.Arbitrary<[string, string][]> = fc.array(fc.tuple(fc.oneof(fc.constantFrom("limit", "cursor", "after", "status"), urlText), urlText), { maxLength: 3 });

export const acceptHeader = fc.constantFrom<string | undefined>(undefined, "application/json", "*/*", BROWSER_ACCEPT, "text/plain", "image/png;q=0.1", "");

/** A body as something other than JSON, or JSON that does not parse. */
export const nonJsonBody: fc.Arbitrary<{ contentType?: string; body?: string | Uint8Array }> = fc.oneof(
  fc.record({ contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"), body: hostileString }),
  fc.jsonValue().map((v) => ({ contentType: "application/json", body: JSON.stringify(v).slice(0, -1) })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ contentType: "application/json", body: Uint8Array.of(0xff, 0xfe, ...bytes) })),
  fc.constant({ contentType: "application/json", body: "" }),
  fc.constant({}),
  fc.constant({ contentType: "application/json", body: `{"a":"${"x".repeat(600 * 1024)}"}` }),
  fc.constant({ contentType: "application/json", body: `${"[".repeat(10_000)}${"]".repeat(10_000)}` }),
  fc.constant({ contentType: "application/json", body: '{"a":1,"a":2,"__proto__":{"admin":true}}' }),
  fc.constant({ contentType: "application/json", body: "\ufeff{}" }),
  fc.constant({ contentType: "multipart/form-data; boundary=x", body: "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" }),
  fc.record({ contentType: headerValue, body: hostileValue.map((v) => JSON.stringify(v) ?? "") }),
);

/** The request line and what fast-check prints when a case fails: long values cut. */
export function describeRequest(req: HostileRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const body = req.body === undefined ? "" : typeof req.body === "string" ? cut(req.body) : `<${req.body.length} bytes>`;
  return `${req.method} ${cut(urlOf(req))}\n${JSON.stringify(Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, cut(v)])))}\n${body}`;
}

const urlOf = (req: HostileRequest) => {
  const search = req.query.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join("&");
  return `https://tidings.test${req.path}${search ? `?${search}` : ""}`;
};

/**
 * Hands the request to the Worker's own fetch handler, with the test's bindings and an execution
 * context of its own. Not SELF.fetch: vitest-pool-workers 0.15 wraps its entrypoint class's
 * prototype in one more Proxy on every request (cloudflare/workers-sdk#15092, fixed upstream in
 * #15106), so tens of thousands of requests through SELF slow to a crawl and overflow the stack.
 */
export async function send(req: HostileRequest): Promise<Answer> {
  const hasBody = req.body !== undefined && req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(urlOf(req), { method: req.method, headers: req.headers, redirect: "manual", ...(hasBody ? { body: req.body } : {}) });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Parameters<typeof worker.fetch>[0], env as RawEnv, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, text };
}

/**
 * What every answer must be: never a 5xx; a refusal is the JSON error envelope whose code matches
 * its status and the Tidings-Error-Code header, except that a browser on a person's page may get
 * an HTML page carrying that header instead; a redirect only on a person's page, with a Location.
 * Returns whether the request was refused (so must have changed nothing).
 */
export function expectAnswered(req: HostileRequest, answer: Answer, route: { personal: boolean }): "refused" | "accepted" {
  const context = () => `${describeRequest(req)}\n→ ${answer.status} ${answer.text.slice(0, 400)}`;
  expect(answer.status, context()).toBeLessThan(500);
  if (answer.status >= 300 && answer.status < 400) {
    expect(route.personal, `a redirect from an API route: ${context()}`).toBe(true);
    expect(answer.headers.get("location"), context()).toBeTruthy();
    return "accepted";
  }
  if (answer.status < 300) return "accepted";
  const code = answer.headers.get("tidings-error-code");
  expect(ErrorCode.safeParse(code).success, `no Tidings-Error-Code header: ${context()}`).toBe(true);
  expect(codeToStatus(code as ErrorCode), context()).toBe(answer.status);
  if ((answer.headers.get("content-type") ?? "").startsWith("text/html")) {
    expect(route.personal && /text\/html/.test(req.headers.accept ?? ""), `an HTML error for a client that did not ask for one: ${context()}`).toBe(true);
    return "refused";
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    throw new Error(`a refusal that is not JSON: ${context()}`);
  }
  const envelope = ErrorEnvelope.safeParse(parsed);
  expect(envelope.success, `not the error envelope: ${context()}`).toBe(true);
  expect(envelope.data?.error.code, context()).toBe(code);
  return "refused";
}
