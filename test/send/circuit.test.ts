import { createExecutionContext, createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { receivedBy } from "../fixtures/sendgrid-fake";

const settings = { failureThreshold: 3, cooldownSeconds: 30 };
const circuit = () => env.PROVIDER_CIRCUIT.get(env.PROVIDER_CIRCUIT.idFromName(`test:${crypto.randomUUID()}`));
const failure = { successes: 0, failures: 1, trips: 0, lastError: "SendGrid answered 503" };
const T0 = 1_800_000_000_000;

describe("a provider's circuit breaker", () => {
  it("stays closed through failures below the threshold and a success resets the count", async () => {
    const c = circuit();
    await c.report(T0, settings, { ...failure, failures: 2 });
    await c.report(T0, settings, { successes: 1, failures: 0, trips: 0 });
    await c.report(T0, settings, { ...failure, failures: 2 });
    expect((await c.admit(T0, settings)).allow).toBe(true);
    expect((await c.status()).state).toBe("closed");
  });

  it("opens after the threshold of consecutive failures and refuses sends during the cool-down", async () => {
    const c = circuit();
    const first = await c.report(T0, settings, { ...failure, failures: 2 });
    const second = await c.report(T0, settings, failure);
    expect(first.opened).toBe(false);
    expect(second.opened).toBe(true);
    expect(await c.admit(T0 + 29_000, settings)).toMatchObject({ allow: false, state: "open" });
  });

  it("half-opens after the cool-down, lets exactly one probe through, and closes when it succeeds", async () => {
    const c = circuit();
    await c.report(T0, settings, { ...failure, failures: 3 });
    expect(await c.admit(T0 + 30_000, settings)).toEqual({ allow: true, probe: true, state: "half_open" });
    expect(await c.admit(T0 + 30_001, settings)).toMatchObject({ allow: false, state: "half_open" });
    await c.report(T0 + 30_500, settings, { successes: 1, failures: 0, trips: 0 });
    expect(await c.admit(T0 + 30_600, settings)).toEqual({ allow: true, probe: false, state: "closed" });
  });

  it("opens again for another cool-down when the probe fails", async () => {
    const c = circuit();
    await c.report(T0, settings, { ...failure, failures: 3 });
    await c.admit(T0 + 30_000, settings);
    const probe = await c.report(T0 + 31_000, settings, failure);
    expect(probe.state.state).toBe("open");
    expect(await c.admit(T0 + 60_000, settings)).toMatchObject({ allow: false });
    expect(await c.admit(T0 + 61_000, settings)).toMatchObject({ allow: true, probe: true });
  });

  it("opens at once on a configuration failure such as revoked credentials", async () => {
    const c = circuit();
    const tripped = await c.report(T0, settings, { successes: 0, failures: 0, trips: 1, lastError: "SendGrid answered 401" });
    expect(tripped.opened).toBe(true);
    expect(tripped.state.lastError).toBe("SendGrid answered 401");
  });

  it("skips a provider whose circuit a previous batch opened, so the next email goes straight to the second", async () => {
    const org = await createOrganization();
    const view = await configureProviders(org.apiKey, [sendgridAt("SG.revoked-key"), sendgridAt()]);
    const first = await storePendingComment(org.organizationId);
    const second = await storePendingComment(org.organizationId);
    for (const { notificationId } of [first, second]) {
      const batch = createMessageBatch("tidings-notifications", [{ id: `m-${notificationId}`, timestamp: new Date(), attempts: 1, body: { kind: "send", notificationId } }]);
      await worker.queue(batch, env, createExecutionContext());
    }
    expect((await loadNotification(first.notificationId)).attempts.map((a) => a.outcome).sort()).toEqual(["accepted", "configuration"]);
    const later = await loadNotification(second.notificationId);
    expect(later.status).toBe("sent");
    expect(later.attempts.map((a) => a.outcome)).toEqual(["accepted"]);
    expect(await receivedBy(second.email)).toHaveLength(1);
    const primary = env.PROVIDER_CIRCUIT.get(env.PROVIDER_CIRCUIT.idFromName(`sendgrid:${view.providers[0]?.id}`));
    expect((await primary.status()).state).toBe("open");
  });
});
