import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { ProvidersHealth } from "../../src/operators/provider-schema";
import { storeAttempts, storeNotifications } from "../fixtures/analytics";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN } from "../setup/constants";

const read = (key: string) => call<ProvidersHealth & ErrorBody>("GET", "/v1/providers/health", { key });
const circuitOf = (key: string) => env.PROVIDER_CIRCUIT.get(env.PROVIDER_CIRCUIT.idFromName(key));
const trip = { successes: 0, failures: 0, trips: 1, lastError: "SendGrid answered 401 for someone@example.test" };
const HOUR = 3_600_000;

/** Attempts of one organisation at chosen ages, each on a notification of its own. */
async function storeAttemptsAgo(
  organizationId: string,
  rows: { provider: string; outcome: "accepted" | "retryable" | "permanent" | "configuration"; latencyMs: number; hoursAgo: number }[],
) {
  const ids = await storeNotifications(
    organizationId,
    rows.map(() => ({ status: "sent" as const, provider: "sendgrid", sentAt: new Date().toISOString() })),
  );
  const now = Date.now();
  await storeAttempts(
    organizationId,
    rows.map((r, i) => ({ notificationId: ids[i] ?? "", provider: r.provider, outcome: r.outcome, latencyMs: r.latencyMs, at: new Date(now - r.hoursAgo * HOUR) })),
  );
  return now;
}

describe("GET /v1/providers/health", () => {
  it("shows each configured provider's circuit and the organisation's attempts of the last 24 hours", async () => {
    const org = await createOrganization();
    const other = await createOrganization("Other");
    const view = await configureProviders(org.apiKey, [
      sendgridAt(),
      { provider: "mailgun", apiKey: TEST_MAILGUN_API_KEY, domain: TEST_MAILGUN_DOMAIN, baseUrl: env.MAILGUN_FAKE_URL },
    ]);
    const [sendgrid, mailgun] = view.providers;
    // SendGrid opened now for five minutes; Mailgun opened ten minutes ago for one, so its next send is a probe.
    await circuitOf(`sendgrid:${sendgrid?.id}`).report(Date.now(), { failureThreshold: 3, cooldownSeconds: 300 }, trip);
    await circuitOf(`mailgun:${mailgun?.id}`).report(Date.now() - 600_000, { failureThreshold: 3, cooldownSeconds: 60 }, trip);
    const now = await storeAttemptsAgo(org.organizationId, [
      { provider: "sendgrid", outcome: "accepted", latencyMs: 100, hoursAgo: 3 },
      { provider: "sendgrid", outcome: "accepted", latencyMs: 200, hoursAgo: 4 },
      { provider: "sendgrid", outcome: "retryable", latencyMs: 300, hoursAgo: 1 },
      { provider: "sendgrid", outcome: "configuration", latencyMs: 400, hoursAgo: 2 },
      // A permanent refusal is the message's fault: counted, but not the provider's last failure.
      { provider: "sendgrid", outcome: "permanent", latencyMs: 500, hoursAgo: 0.5 },
      { provider: "sendgrid", outcome: "retryable", latencyMs: 9000, hoursAgo: 25 },
    ]);
    await storeAttemptsAgo(other.organizationId, [{ provider: "sendgrid", outcome: "retryable", latencyMs: 7000, hoursAgo: 0.1 }]);

    const res = await read(await org.keyFor("viewer"));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.usingDefaults).toBe(false);
    expect(res.body.providers).toEqual([
      {
        id: sendgrid?.id,
        provider: "sendgrid",
        position: 0,
        enabled: true,
        circuit: "open",
        openUntil: expect.any(String),
        lastFailureAt: new Date(now - HOUR).toISOString(),
        attemptsLast24h: { accepted: 2, retryable: 1, permanent: 1, configuration: 1 },
        // 100…500 ms: the median, and 400 + 0.8 × 100 for the 95th percentile.
        latencyMs: { p50: 300, p95: 480 },
      },
      {
        id: mailgun?.id,
        provider: "mailgun",
        position: 1,
        enabled: true,
        circuit: "half-open",
        openUntil: null,
        lastFailureAt: null,
        attemptsLast24h: { accepted: 0, retryable: 0, permanent: 0, configuration: 0 },
        latencyMs: null,
      },
    ]);
    expect(Date.parse(res.body.providers[0]?.openUntil ?? "") - Date.now()).toBeGreaterThan(200_000);
    // The circuit's last error can quote a recipient, and the environment's circuits are shared.
    expect(JSON.stringify(res.body)).not.toContain("someone@example.test");
  });

  it("reads the circuits without moving them: an open circuit past its cool-down stays open until a send probes it", async () => {
    const org = await createOrganization();
    const view = await configureProviders(org.apiKey, [sendgridAt()]);
    const circuit = circuitOf(`sendgrid:${view.providers[0]?.id}`);
    await circuit.report(Date.now() - 600_000, { failureThreshold: 3, cooldownSeconds: 60 }, trip);
    const before = await circuit.status();
    expect((await read(org.apiKey)).body.providers[0]?.circuit).toBe("half-open");
    expect(await circuit.status()).toEqual(before);
    expect(before.state).toBe("open");
  });

  it("shows the environment's providers for an organisation without its own", async () => {
    const org = await createOrganization();
    const res = await read(org.apiKey);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.usingDefaults).toBe(true);
    expect(res.body.providers).toEqual([
      expect.objectContaining({
        id: null,
        provider: "sendgrid",
        position: 0,
        enabled: true,
        attemptsLast24h: { accepted: 0, retryable: 0, permanent: 0, configuration: 0 },
        latencyMs: null,
      }),
    ]);
  });

  it("is in the OpenAPI document", async () => {
    const res = await call<{ paths: Record<string, Record<string, unknown>> }>("GET", "/openapi.json");
    expect(Object.keys(res.body.paths["/v1/providers/health"] ?? {})).toEqual(["get"]);
  });

  it("lets viewer, editor and admin keys read, refuses an ingest key with 403 and no key with 401", async () => {
    const org = await createOrganization();
    for (const role of ["viewer", "editor", "admin"] as const) expect((await read(await org.keyFor(role))).status, role).toBe(200);
    const ingest = await read(await org.keyFor("ingest"));
    expect(ingest.status).toBe(403);
    expect(ingest.body.error.code).toBe("FORBIDDEN");
    expect((await call("GET", "/v1/providers/health")).status).toBe(401);
  });
});
