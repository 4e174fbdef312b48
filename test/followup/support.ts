import { and, eq, sql } from "drizzle-orm";
import { inject } from "vitest";
import { emailHashKey, hashEmail } from "../../src/crypto/email-hash";
import { openDatabase } from "../../src/db/client";
import { deliveryEvents, notifications, organizations, suppressions } from "../../src/db/schema";
import { acceptEvent } from "../../src/ingest/accept-event";
import { createServices, type Services } from "../../src/services";
import { testEnv, uniqueEmail } from "../fixtures/organization";

/** Runs `fn` with services on a pool of its own, closed afterwards. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const services = createServices(testEnv());
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

export async function testHashKey(): Promise<CryptoKey> {
  const key = await emailHashKey(testEnv());
  if (!key) throw new Error("tests run with SECRETS_KEY set");
  return key;
}

export type SentNotification = { notificationId: string; messageId: string; email: string; recipientId: string };

/**
 * Writes `count` notifications of one event as if a provider had accepted them (status `sent`,
 * provider and message id recorded), the recipients' email_hash filled as ingest now fills it.
 */
export async function storeSent(organizationId: string, provider: string, count = 1, type = "comment.created"): Promise<SentNotification[]> {
  const key = await testHashKey();
  return withServices(async ({ db }) => {
    const people = Array.from({ length: count }, () => ({ id: `user-${crypto.randomUUID()}`, email: uniqueEmail() }));
    const result = await acceptEvent(db, organizationId, { type, recipients: people, data: { author: "Grace", task: "Ship", comment: "ok", url: "https://app.test" } }, { emailHashKey: key });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const ids = result.value.notifications.map((n) => n.id);
    const rows = await db.execute<{ id: string; provider_message_id: string; recipient_id: string }>(sql`
      UPDATE notifications SET status = 'sent', provider = ${provider}, provider_message_id = ${`${provider}-msg-`} || id::text, sent_at = now()
       WHERE id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})
      RETURNING id, provider_message_id, recipient_id`);
    return result.value.notifications.map((n, i) => {
      const row = rows.rows.find((r) => r.id === n.id);
      return { notificationId: n.id, messageId: row?.provider_message_id ?? "", email: people[i]?.email ?? "", recipientId: row?.recipient_id ?? "" };
    });
  });
}

export async function statusOf(notificationId: string): Promise<string | undefined> {
  return withServices(async ({ db }) => (await db.select({ status: notifications.status }).from(notifications).where(eq(notifications.id, notificationId)))[0]?.status);
}

export async function suppressionOf(organizationId: string, email: string) {
  const hash = await hashEmail(await testHashKey(), email);
  return withServices(async ({ db }) => (await db.select().from(suppressions).where(and(eq(suppressions.organizationId, organizationId), eq(suppressions.emailHash, hash))))[0]);
}

export async function eventsOf(organizationId: string) {
  return withServices(({ db }) => db.select().from(deliveryEvents).where(eq(deliveryEvents.organizationId, organizationId)));
}

export async function organizationRow(organizationId: string) {
  return withServices(async ({ db }) => (await db.select().from(organizations).where(eq(organizations.id, organizationId)))[0]);
}

const sinkUrl = () => inject("alertSinkUrl");

export type SinkRequest = { seq: number; method: string; path: string; query: string; json: unknown; text: string };

/** What the recorder got, under a path prefix (alerts are posted to `/alerts`). */
export async function sinkReceived(prefix: string): Promise<SinkRequest[]> {
  const res = await fetch(`${sinkUrl()}/__fake/received?path=${encodeURIComponent(prefix)}`);
  return (await res.json()) as SinkRequest[];
}

/** Makes the recorder answer `path` with `body` (an SNS certificate, say). */
export async function sinkRespond(path: string, body: string, status = 200): Promise<void> {
  const res = await fetch(`${sinkUrl()}/__fake/respond`, { method: "POST", body: JSON.stringify({ path, body, status }) });
  if (!res.ok) throw new Error(`alert sink refused ${path}: ${res.status}`);
}

/** Alert posts that mention `needle` (an organisation id, a condition): the sink is shared by parallel tests. */
export async function alertsMentioning(needle: string): Promise<SinkRequest[]> {
  return (await sinkReceived("/alerts")).filter((r) => r.text.includes(needle));
}
