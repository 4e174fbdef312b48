import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index";
import type { ErrorBody } from "../../src/platform/errors";
import { createOrganization, uniqueEmail } from "../fixtures/organization";

type Overrides = Partial<
  Record<
    | "RATE_LIMIT_KEY_PER_SECOND"
    | "RATE_LIMIT_RECIPIENTS_PER_SECOND"
    | "RATE_LIMIT_RECIPIENTS_BURST"
    | "RATE_LIMIT_KEY_CONCURRENCY"
    | "RATE_LIMIT_LOGIN_PER_MINUTE"
    | "RATE_LIMIT_PAGES_PER_MINUTE"
    | "RATE_LIMIT_WEBHOOKS_PER_MINUTE"
    | "RATE_LIMIT_REFUSAL_PAUSE_MS"
    | "UPSTASH_REDIS_REST_URL",
    string
  >
>;

/** A request through the Worker with some settings changed, from its own client address (its own bucket). */
async function request(method: string, path: string, options: { key?: string; body?: unknown; env?: Overrides; ip?: string; form?: string } = {}) {
  const headers = new Headers({ "cf-connecting-ip": options.ip ?? `198.51.100.${Math.floor(Math.random() * 250) + 1}` });
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  let body: string | undefined;
  if (options.form !== undefined) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = options.form;
  } else if (options.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.body);
  }
  const res = await worker.fetch(
    new Request(`https://tidings.test${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }),
    { ...env, ...options.env },
    createExecutionContext(),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text.startsWith("{") ? JSON.parse(text) : undefined) as ErrorBody | undefined };
}

const event = (recipients: number) => ({
  type: "comment.created",
  recipients: Array.from({ length: recipients }, (_, i) => ({ id: `r${i}`, email: uniqueEmail() })),
  data: { author: "Grace", task: "Ship", comment: "ok", url: "https://app.test" },
});

describe("rate limits", () => {
  it("answer 429 with Retry-After and the error envelope once an API key has spent its requests", async () => {
    const org = await createOrganization();
    const limits = { RATE_LIMIT_KEY_PER_SECOND: "2" }; // a burst of 4
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await request("GET", "/v1/sending", { key: org.apiKey, env: limits });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(refused?.json?.error.code).toBe("RATE_LIMITED");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("count requests per presented key before looking the key up, so a flood with a forged key is refused without database work", async () => {
    const forged = `tid_00000000_${crypto.randomUUID().replace(/-/g, "")}`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request("GET", "/v1/sending", { key: forged, env: { RATE_LIMIT_KEY_PER_SECOND: "1" } })).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it("refuse a key that has spent its requests before its body is read, so a flood of bad bodies is not parsed", async () => {
    const forged = `tid_00000000_${crypto.randomUUID().replace(/-/g, "")}`;
    const limits = { RATE_LIMIT_KEY_PER_SECOND: "1" }; // a burst of 2
    const nested = JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) as unknown;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request("POST", "/v1/events", { key: forged, body: nested, env: limits })).status);
    // The first two are judged on their body (too deep: 400); the third never gets that far.
    expect(statuses).toEqual([400, 400, 429]);
  });

  it("hold a refusal back for its pause before answering, so a client that ignores Retry-After cannot spin", async () => {
    const forged = `tid_00000000_${crypto.randomUUID().replace(/-/g, "")}`;
    const limits = { RATE_LIMIT_KEY_PER_SECOND: "1", RATE_LIMIT_REFUSAL_PAUSE_MS: "1000" }; // a burst of 2
    for (let i = 0; i < 2; i++) expect((await request("GET", "/v1/sending", { key: forged, env: limits })).status).toBe(401);
    // Only setTimeout is faked: Redis still answers for real, and the pause can only end when the
    // test moves the fake clock past it. Without a pause the refusal lands after a step or two.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let answered = false;
      const refusal = request("GET", "/v1/sending", { key: forged, env: limits }).finally(() => {
        answered = true;
      });
      let advancedMs = 0;
      while (!answered && advancedMs < 10_000) {
        await vi.advanceTimersByTimeAsync(50);
        advancedMs += 50;
        await scheduler.wait(10);
      }
      const res = await refusal;
      expect(res.status).toBe(429);
      expect(res.json?.error.code).toBe("RATE_LIMITED");
      expect(advancedMs).toBeGreaterThanOrEqual(1000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuse at once a request past the key's share of requests in flight, and serve the next one after the first is done", async () => {
    const org = await createOrganization();
    const one = { RATE_LIMIT_KEY_CONCURRENCY: "1" };
    const both = await Promise.all([request("GET", "/v1/sending", { key: org.apiKey, env: one }), request("GET", "/v1/sending", { key: org.apiKey, env: one })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 429]);
    expect(both.find((r) => r.status === 429)?.json?.error.message).toContain("in flight");
    expect((await request("GET", "/v1/sending", { key: org.apiKey, env: one })).status).toBe(200);
  });

  it("count an organisation's recipients, not its requests, and leave another organisation alone", async () => {
    const [flooding, other] = await Promise.all([createOrganization(), createOrganization()]);
    const limits = { RATE_LIMIT_RECIPIENTS_PER_SECOND: "3" }; // a burst of 30 recipients
    expect((await request("POST", "/v1/events", { key: flooding.apiKey, body: event(25), env: limits })).status).toBe(202);
    const refused = await request("POST", "/v1/events", { key: flooding.apiKey, body: event(25), env: limits });
    expect(refused.status).toBe(429);
    expect(refused.json?.error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("recipients") });
    expect((await request("POST", "/v1/events", { key: other.apiKey, body: event(25), env: limits })).status).toBe(202);
  });

  it("accept an event to more recipients than the burst when the bucket is full, which it then empties, instead of refusing it forever", async () => {
    const org = await createOrganization();
    const limits = { RATE_LIMIT_RECIPIENTS_PER_SECOND: "1", RATE_LIMIT_RECIPIENTS_BURST: "5" };
    const big = await request("POST", "/v1/events", { key: org.apiKey, body: event(20), env: limits });
    expect(big.status, JSON.stringify(big.json)).toBe(202);
    const next = await request("POST", "/v1/events", { key: org.apiKey, body: event(5), env: limits });
    expect(next.status).toBe(429);
  });

  it("limit sign-in attempts per client address before any database work", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const limits = { RATE_LIMIT_LOGIN_PER_MINUTE: "2" };
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await request("POST", "/dashboard/login", { ip, form: "key=wrong&csrf=x", env: limits }));
    expect(attempts.map((a) => a.status)).toEqual([expect.any(Number), expect.any(Number), 429]);
    expect(attempts[0]?.status).not.toBe(429);
    expect(attempts[2]?.json?.error.code).toBe("RATE_LIMITED");
  });

  it("limit requests per client address on the recipients' pages and the webhooks", async () => {
    for (const [path, setting] of [
      ["/u/not-a-token", "RATE_LIMIT_PAGES_PER_MINUTE"],
      ["/webhooks/mailgun", "RATE_LIMIT_WEBHOOKS_PER_MINUTE"],
    ] as const) {
      const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await request("POST", path, { ip, body: {}, env: { [setting]: "2" } })).status);
      expect(statuses[2], path).toBe(429);
    }
  });

  it("let requests through, and log, when Redis does not answer", async () => {
    const org = await createOrganization();
    const down = { UPSTASH_REDIS_REST_URL: inject("closedCacheUrl"), RATE_LIMIT_KEY_PER_SECOND: "1" };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request("GET", "/v1/sending", { key: org.apiKey, env: down })).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});
