import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { receivedBy, setFakeBehaviour } from "../fixtures/sendgrid-fake";

/**
 * Delivers one message and reports what the consumer asked of the queue. The harness's queue result
 * does not keep `delaySeconds`, so the message is wrapped to note the options `retry()` got.
 */
async function deliver(notificationId: string, attempts = 1) {
  const batch = createMessageBatch<unknown>("tidings-notifications", [
    { id: `m-${notificationId}-${attempts}`, timestamp: new Date(), attempts, body: { kind: "send", notificationId } },
  ]);
  const retryDelays: (number | undefined)[] = [];
  const messages = batch.messages.map((m) => ({
    id: m.id,
    timestamp: m.timestamp,
    attempts: m.attempts,
    body: m.body,
    ack: () => m.ack(),
    retry: (options?: QueueRetryOptions) => {
      retryDelays.push(options?.delaySeconds);
      m.retry(options);
    },
  }));
  const recording: MessageBatch<unknown> = { queue: batch.queue, metadata: batch.metadata, messages, ackAll: () => batch.ackAll(), retryAll: (o) => batch.retryAll(o) };
  const ctx = createExecutionContext();
  await worker.queue(recording, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), retryDelays };
}

describe("failover between an organisation's providers", () => {
  it("sends through the second provider at once when the first answers 500, one email in all, both attempts recorded", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt(), sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failNext: 1, failureStatus: 500 });

    const result = await deliver(notificationId);
    expect(result.retryMessages).toEqual([]);
    expect(await receivedBy(email)).toHaveLength(1);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("sent");
    expect(n.attempts.map((a) => [a.outcome, a.httpStatus])).toEqual(
      expect.arrayContaining([
        ["retryable", 500],
        ["accepted", 202],
      ]),
    );
    expect(n.attempts).toHaveLength(2);
  });

  it("fails over when the first provider's credentials are refused, recording it as a configuration failure", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt("SG.revoked-key"), sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await deliver(notificationId);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("sent");
    expect(n.attempts.map((a) => a.outcome).sort()).toEqual(["accepted", "configuration"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("does not fail over a permanent refusal: the notification fails with the reason after one attempt", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt(), sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failNext: 1, failureStatus: 400 });
    const result = await deliver(notificationId);
    expect(result.retryMessages).toEqual([]);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("failed");
    expect(n.failureReason).toMatch(/SendGrid answered 400/);
    expect(n.attempts).toHaveLength(1);
    expect(await receivedBy(email)).toHaveLength(0);
  });

  it("retries the message with growing delays while every provider fails retryably", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt(), sendgridAt()]);
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failNext: 6, failureStatus: 503 });
    const delays: number[] = [];
    for (const attempt of [1, 2, 3]) {
      const result = await deliver(notificationId, attempt);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(result.retryDelays[0] ?? -1);
    }
    // RETRY_BASE_SECONDS is 1 in tests: 1, 2, 4 seconds plus up to a quarter of jitter.
    expect(delays[0]).toBeGreaterThanOrEqual(1);
    expect(delays[1]).toBeGreaterThan(delays[0] ?? 0);
    expect(delays[2]).toBeGreaterThan(delays[1] ?? 0);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("queued");
    expect(n.attempts).toHaveLength(6);
    expect(await receivedBy(email)).toHaveLength(0);
  });
});
