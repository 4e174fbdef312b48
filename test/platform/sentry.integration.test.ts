import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import { reportUnhandledRejection } from "../../src/platform/monitoring/sentry";
import type { ReceivedEnvelope } from "../../scripts/lib/sentry-fake.mjs";
import { envelopesMentioning } from "../fixtures/sentry-fake";

type SentryEvent = {
  exception?: { values?: { type?: string; value?: string }[] };
  tags?: Record<string, string>;
  request?: { method?: string; url?: string; headers?: Record<string, string>; data?: unknown; cookies?: unknown; query_string?: unknown };
  user?: unknown;
};

const eventsOf = (envelopes: ReceivedEnvelope[]) => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === "event").map((i) => i.payload as SentryEvent));

/** The Worker with Sentry on and PostgreSQL unreachable (the WebSocket bridge's address is a closed port). */
const brokenDatabase = () => ({ ...env, SENTRY_DSN: inject("sentryDsn"), DATABASE_WS_PROXY: new URL(inject("closedCacheUrl")).host });

async function send(path: string, init: RequestInit, bindings: typeof env) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://tidings.test${path}`, init) as Parameters<typeof worker.fetch>[0], bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text };
}

describe("Sentry", () => {
  it("reports a 500 without the address, key, cookie, body or query values the request carried", async () => {
    const marker = crypto.randomUUID();
    const address = `ada-${marker.slice(0, 8)}@example.com`;
    const apiKey = `tid_${marker.replaceAll("-", "")}`;
    const res = await send(
      `/v1/suppressions/${encodeURIComponent(address)}?token=link-secret-${marker}&email=${encodeURIComponent(address)}`,
      {
        method: "DELETE",
        headers: { authorization: `Bearer ${apiKey}`, cookie: `tidings_session=cookie-secret-${marker}`, "cf-ray": marker, "content-type": "application/json" },
        body: JSON.stringify({ reason: `body-secret-${marker}`, email: address }),
      },
      brokenDatabase(),
    );
    expect(res.status, res.text).toBe(500);

    const envelopes = await envelopesMentioning(marker);
    const [event] = eventsOf(envelopes);
    expect(event, "no event reached the Sentry fake").toBeDefined();
    expect(event?.tags?.requestId).toBe(marker);
    expect(event?.exception?.values?.length).toBeGreaterThan(0);
    expect(event?.request?.method).toBe("DELETE");
    expect(event?.request?.url).toMatch(/^https:\/\/tidings\.test\/v1\/suppressions\/\[email\](\?token=\[redacted\]&email=\[redacted\])?$/);
    expect(Object.keys(event?.request?.headers ?? {}).map((h) => h.toLowerCase())).not.toContain("authorization");
    expect(event?.request?.data).toBeUndefined();
    expect(event?.request?.cookies).toBeUndefined();
    expect(event?.user).toBeUndefined();
    const raw = envelopes.map((e) => e.raw).join("\n");
    // The failed query's bound values (here the key's hash) are cut from the error message too.
    const keyHash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(apiKey)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    for (const secret of [address, encodeURIComponent(address), `ada-${marker.slice(0, 8)}`, apiKey, keyHash, "cookie-secret", "link-secret", "body-secret"]) {
      expect(raw, `${secret} reached Sentry`).not.toContain(secret);
    }
    expect(raw.toLowerCase()).not.toContain("bearer tid_");
  });

  it("reports an unhandled rejection, redacted, through the isolate's client", async () => {
    // A monitored request first, so the isolate has a client (as it has once any request ran).
    await send("/health", { method: "GET" }, { ...env, SENTRY_DSN: inject("sentryDsn") });
    const marker = crypto.randomUUID();
    reportUnhandledRejection(new Error(`lost promise ${marker} for grace-${marker.slice(0, 8)}@example.com`));
    const [event] = eventsOf(await envelopesMentioning(marker));
    expect(event?.exception?.values?.[0]?.value).toBe(`lost promise ${marker} for [email]`);
  });

  it("sends nothing and wraps nothing when SENTRY_DSN is not set", async () => {
    const marker = crypto.randomUUID();
    const res = await send(
      "/v1/sending",
      { method: "GET", headers: { authorization: "Bearer tid_x", "cf-ray": marker } },
      { ...env, DATABASE_WS_PROXY: new URL(inject("closedCacheUrl")).host },
    );
    expect(res.status, res.text).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = (await (await fetch(`${inject("sentryUrl")}/__fake/envelopes`)).json()) as ReceivedEnvelope[];
    expect(all.filter((e) => e.raw.includes(marker))).toEqual([]);
  });
});
