import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { call } from "../fixtures/http";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { templates, templateVersions } from "../../src/platform/db/schema";
import worker from "../../src/index";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification } from "../fixtures/notifications";
import { createOrganization, testEnv } from "../fixtures/organization";
import { receivedBy, setFakeBehaviour } from "../fixtures/sendgrid-fake";

async function deliver(queue: string, notificationIds: string[], attempts = 1) {
  const batch = createMessageBatch(
    queue,
    notificationIds.map((notificationId, i) => ({ id: `msg-${i}-${notificationId}`, timestamp: new Date(), attempts, body: { kind: "send", notificationId } })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("queue consumer", () => {
  it("claims, renders, sends and records a notification, then acks its message", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    const result = await deliver("tidings-notifications", [notificationId]);
    expect(result.explicitAcks).toEqual([`msg-0-${notificationId}`]);
    expect(result.retryMessages).toEqual([]);

    const received = await receivedBy(email);
    expect(received).toHaveLength(1);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("sent");
    expect(n.providerMessageId).toBe(received[0]?.messageId);
    expect(n.attempts).toHaveLength(1);
    expect(n.attempts[0]).toMatchObject({ provider: "sendgrid", outcome: "accepted", httpStatus: 202, providerMessageId: received[0]?.messageId });
  });

  it("sends nothing when the same message is delivered a second time", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await deliver("tidings-notifications", [notificationId]);
    const second = await deliver("tidings-notifications", [notificationId], 2);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await receivedBy(email)).toHaveLength(1);
    expect((await loadNotification(notificationId)).attempts).toHaveLength(1);
  });

  it("sends once when two consumers get the same notification at the same moment", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await Promise.all([deliver("tidings-notifications", [notificationId]), deliver("tidings-priority", [notificationId])]);
    expect(await receivedBy(email)).toHaveLength(1);
    expect((await loadNotification(notificationId)).status).toBe("sent");
  });

  it("releases the notification and retries the message when the provider answers 500", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failNext: 1, failureStatus: 500 });
    const result = await deliver("tidings-notifications", [notificationId]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toEqual([]);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("queued");
    expect(n.attempts[0]).toMatchObject({ outcome: "retryable", httpStatus: 500 });

    const retried = await deliver("tidings-notifications", [notificationId], 2);
    expect(retried.explicitAcks).toHaveLength(1);
    expect((await loadNotification(notificationId)).status).toBe("sent");
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("fails a notification the provider refuses for good, with the provider's reason, and does not retry", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failNext: 1, failureStatus: 400 });
    const result = await deliver("tidings-notifications", [notificationId]);
    expect(result.retryMessages).toEqual([]);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("failed");
    expect(n.failureReason).toMatch(/SendGrid answered 400/);
    expect(n.attempts[0]).toMatchObject({ outcome: "permanent", httpStatus: 400 });
  });

  it("fails a notification whose template cannot render, naming the template", async () => {
    const org = await createOrganization();
    const { db, close } = openDatabase(testEnv());
    await db
      .insert(templateVersions)
      .values({ organizationId: org.organizationId, templateId: org.templateId, version: 2, subject: "s", html: "{{ data.author | no_such_filter }}" });
    await db.update(templates).set({ publishedVersion: 2 }).where(eq(templates.id, org.templateId));
    await close();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await deliver("tidings-notifications", [notificationId]);
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("failed");
    expect(n.failureReason).toContain(`template ${org.templateId} v2 failed to render`);
    expect(await receivedBy(email)).toHaveLength(0);
  });

  it("marks dead-lettered notifications failed with the last attempt's error", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    await setFakeBehaviour({ to: email, failNext: 1, failureStatus: 503 });
    await deliver("tidings-notifications", [notificationId], 4);
    const result = await deliver("tidings-dead-letter", [notificationId]);
    expect(result.outcome).toBe("ok");
    const n = await loadNotification(notificationId);
    expect(n.status).toBe("failed");
    expect(n.failureReason).toMatch(/^gave up after retries: SendGrid answered 503/);
    expect(n.failedAt).not.toBeNull();
    const alerts = await call<{ entries: { kind: string; details: { failed?: number; examples?: string[] } }[] }>("GET", "/v1/alerts?kind=dead_letter", { key: org.apiKey });
    expect(alerts.body.entries).toEqual([expect.objectContaining({ kind: "dead_letter", details: { failed: 1, examples: [notificationId] } })]);
  });
});
