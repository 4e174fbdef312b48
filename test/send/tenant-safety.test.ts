import { createExecutionContext, createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import worker from "../../src/index";
import { sweepNotifications } from "../../src/send/sweep";
import { notificationMail } from "../../src/send/notification-mail";
import { sendMail } from "../../src/send/pipeline";
import type { Verdict } from "../../src/send/mail";
import { parseEnv } from "../../src/env";
import { alertsMentioning } from "../fixtures/followup";
import { call } from "../fixtures/http";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { receivedBy, setFakeBehaviour } from "../fixtures/sendgrid-fake";
import { fixedClock, withServices } from "../fixtures/services";
import type { TemplateView } from "../../src/render/template-schema";

async function deliver(notificationIds: string[], raw: typeof env = env, attempts = 1) {
  const batch = createMessageBatch(
    "tidings-notifications",
    notificationIds.map((notificationId) => ({ id: `m-${notificationId}-${attempts}`, timestamp: new Date(), attempts, body: { kind: "send", notificationId } })),
  );
  await worker.queue(batch, raw, createExecutionContext());
}

const envCircuit = () => env.PROVIDER_CIRCUIT.get(env.PROVIDER_CIRCUIT.idFromName("sendgrid:env"));

describe("one organisation cannot stall another's mail", () => {
  it("leaves the shared circuit closed when one organisation's sender is refused, so another's mail in the same and later batches goes out at once", async () => {
    const [a, b] = await Promise.all([createOrganization(), createOrganization()]);
    const refused = await storePendingComment(a.organizationId);
    await setFakeBehaviour({ to: refused.email, failureRate: 1, failureStatus: 403 });
    const same = await storePendingComment(b.organizationId);
    await deliver([refused.notificationId, same.notificationId]);
    const later = await storePendingComment(b.organizationId);
    await deliver([later.notificationId]);

    for (const mail of [same, later]) {
      expect(await receivedBy(mail.email)).toHaveLength(1);
      expect((await loadNotification(mail.notificationId)).attempts.map((x) => [x.provider, x.outcome])).toEqual([["sendgrid", "accepted"]]);
    }
    expect((await envCircuit().status()).state).toBe("closed");
    // The refused sender is organisation A's to fix: the alert goes to it, not to the operator.
    const alerts = await alertsMentioning(a.organizationId);
    expect(alerts.map((x) => (x.json as { text: string }).text)).toEqual([expect.stringContaining("refused the sender")]);
    expect((await loadNotification(refused.notificationId)).status).toBe("queued");
  });
});

describe("a poison notification cannot hold its batch hostage", () => {
  it("fails a notification whose template would loop 8·10⁹ times over its event's 2,000 items, while the 50 queued with it are sent", async () => {
    const org = await createOrganization();
    const loop = "{% for a in data.xs %}{% for b in data.xs %}{% for c in data.xs %}.{% endfor %}{% endfor %}{% endfor %}";
    const created = await call<TemplateView>("POST", "/v1/templates", {
      key: org.apiKey,
      body: { key: "report", name: "report", subject: "Report", html: `{% layout "branding" %}{% block content %}${loop}{% endblock %}`, sampleData: { xs: [1, 2, 3] } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // Publishing validates with the small sample data, which renders in a moment.
    expect((await call("POST", `/v1/templates/${created.body.id}/versions/1/publish`, { key: org.apiKey })).status).toBe(200);
    expect((await call("PUT", "/v1/event-types/report.ready", { key: org.apiKey, body: { category: "reports", template: "report" } })).status).toBe(200);
    const poison = await call<{ notifications: { id: string }[] }>("POST", "/v1/events", {
      key: org.apiKey,
      body: { type: "report.ready", recipients: [{ id: "boss", email: "boss@example.test" }], data: { xs: Array.from({ length: 2000 }, (_, i) => i) } },
    });
    expect(poison.status, JSON.stringify(poison.body)).toBe(202);
    const poisonId = poison.body.notifications[0]?.id ?? "";
    const ordinary = await Promise.all(Array.from({ length: 50 }, () => storePendingComment(org.organizationId)));

    await deliver([poisonId, ...ordinary.map((o) => o.notificationId)]);

    const failed = await loadNotification(poisonId);
    expect(failed.status).toBe("failed");
    expect(failed.failureReason).toMatch(/render budget exceeded/);
    const statuses = await Promise.all(ordinary.map(async (o) => (await loadNotification(o.notificationId)).status));
    expect(statuses.filter((s) => s === "sent")).toHaveLength(50);
  });

  it("fails a notification whose send keeps dying before it can record an outcome, instead of sweeping it back forever", async () => {
    const org = await createOrganization();
    const { notificationId } = await storePendingComment(org.organizationId);
    const max = parseEnv(env).SEND_MAX_LAPSED_CLAIMS;
    for (let lapse = 1; lapse <= max; lapse++) {
      // A consumer claims it and dies (nothing recorded); the sweeper finds the lapsed lease.
      await withServices(async (s) => {
        await notificationMail.claim(s, [{ id: notificationId, attempt: lapse }]);
        await sweepNotifications(s, new Date(Date.now() + 10 * 60_000));
      });
    }
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("failed");
    expect(n.failureReason).toMatch(new RegExp(`stopped ${max} times before an outcome was recorded`));
  });
});

describe("a slow provider cannot make duplicates", () => {
  it("keeps the claims of a batch alive while a provider answers slower than the lease, so the sweeper takes none of them back", async () => {
    const org = await createOrganization();
    const mails = await Promise.all(Array.from({ length: 12 }, () => storePendingComment(org.organizationId)));
    for (const m of mails) await setFakeBehaviour({ to: m.email, latencyMs: 1500 });
    // Two waves of six sends, 1.5 s each: 3 s in all, against a 2-second lease.
    const shortLease = { ...env, SEND_LEASE_SECONDS: "2" };
    const running = deliver(
      mails.map((m) => m.notificationId),
      shortLease,
    );
    await new Promise((resolve) => setTimeout(resolve, 2600));
    const swept = await withServices((s) => sweepNotifications(s));
    await running;

    expect(swept.leasesExpired).toBe(0);
    for (const m of mails) {
      expect(await receivedBy(m.email)).toHaveLength(1);
      expect((await loadNotification(m.notificationId)).status).toBe("sent");
    }
  });
});

describe("a provider outage does not fail mail for good", () => {
  /** The queue's own retry limit for normal mail, as wrangler.toml sets it. */
  const queueRetries = Number(/queue = "tidings-notifications"[\s\S]*?max_retries = (\d+)/.exec(wranglerToml)?.[1]);

  it("rides out an hour-long outage of every provider within the queue's retry limit, then sends once", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failureRate: 1, failureStatus: 503 });
    // Production's schedule, with the circuit opening after two failures.
    const production = { RETRY_BASE_SECONDS: "30", SEND_MAX_ROUNDS: "10", CIRCUIT_FAILURE_THRESHOLD: "2", CIRCUIT_COOLDOWN_SECONDS: "30" };
    const start = Date.now();
    let at = start;
    let deliveries = 0;
    let verdict: Verdict | undefined;
    do {
      if (at - start > 65 * 60_000) await setFakeBehaviour({ to: email, failureRate: 0 });
      deliveries++;
      verdict = await withServices(
        async (s) =>
          (await sendMail({ ...s, env: { ...s.env, ...parseEnv({ ...env, ...production }) } }, notificationMail, [{ id: notificationId, attempt: deliveries }])).get(
            notificationId,
          ),
        {
          clock: fixedClock(new Date(at)),
        },
      );
      if (verdict?.retry) at += verdict.delaySeconds * 1000;
    } while (verdict?.retry && deliveries < 200);

    expect(at - start).toBeGreaterThan(60 * 60_000);
    expect(deliveries).toBeLessThanOrEqual(queueRetries + 1);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("sent");
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("does not spend a round on a send skipped because every circuit was open", async () => {
    const org = await createOrganization();
    const view = await configureProviders(org.apiKey, [sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    const circuit = env.PROVIDER_CIRCUIT.get(env.PROVIDER_CIRCUIT.idFromName(`sendgrid:${view.providers[0]?.id}`));
    const now = Date.now();
    // Opened by other traffic, for an hour.
    await circuit.report(now, { failureThreshold: 1, cooldownSeconds: 3600 }, { successes: 0, failures: 1, trips: 0, lastError: "SendGrid answered 503" });
    for (let attempt = 1; attempt <= 15; attempt++) {
      const verdict = await withServices(async (s) => (await sendMail(s, notificationMail, [{ id: notificationId, attempt }])).get(notificationId), {
        clock: fixedClock(new Date(now + attempt * 1000)),
      });
      expect(verdict?.retry).toBe(true);
    }
    const n = await loadNotification(notificationId);
    expect([n.status, n.retryRounds, n.attempts.length]).toEqual(["queued", 0, 0]);
    expect(await receivedBy(email)).toHaveLength(0);
  });
});

describe("an accepted send is a sent email", () => {
  it("records a 2xx without a message id as sent, once, through the first provider", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt(), sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, omitMessageId: true });
    await deliver([notificationId]);
    const n = await loadNotification(notificationId);
    expect([n.status, n.providerMessageId]).toEqual(["sent", null]);
    expect(n.attempts.map((x) => x.outcome)).toEqual(["accepted"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });
});
