import { sql } from "drizzle-orm";
import { deliveryEvents } from "../platform/db/schema";
import { storableText } from "../platform/json-text";
import { type EmailHashKey, hashEmails, normalizeEmail } from "../platform/crypto/email-hash";
import { type BaseError, err, ok, type Result } from "../platform/result";
import type { Services } from "../services";
import type { DeliveryEvent } from "../providers/webhook-events";
import { type AddressEffect, advanceStatuses, type Changed, countSoftBounces, type FollowUpStatus, resetSoftBounces, suppressAddresses } from "./effects";
import { evaluateGuard } from "./guard";
import { matchEvents, type Scope, type Target } from "./match";
import { applyProviderUnsubscribes, type Transaction } from "./unsubscribe-hook";
import { messageOf } from "../platform/log";

export type ProcessReport = {
  received: number;
  /** New events, stored now; only these had effects. */
  stored: number;
  /** Seen before (providers retry webhooks): stored once already, no effect now. */
  duplicates: number;
  /** Matched none of our mail on the shared URL, so no organisation to file them under. */
  unmatched: number;
  /** Organisations whose sending the guard paused because of this batch. */
  paused: string[];
  /** Alert webhook POSTs, for `waitUntil`. */
  alerts: Promise<void>[];
};

export type ProcessError = BaseError<"NO_HASH_KEY">;

type Placed = { event: DeliveryEvent; target: Target; organizationId: string; emailHash: string; emailHashKeyId: string };

const ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;
/** Diagnostics quote the address ("550 <bob@…>: no such user"); the tables keep none. */
const scrub = (text: string | undefined) => (text === undefined ? null : text.replace(ADDRESS, "<address>").slice(0, 1000));

const INSERT_CHUNK = 2000;

const FOLLOW_UP: Partial<Record<DeliveryEvent["type"], FollowUpStatus>> = { delivered: "delivered", complained: "complained" };

/**
 * Stores a verified webhook batch and applies what is new in it: notification statuses,
 * suppressions, soft-bounce counts, provider unsubscribes; then runs the bounce-rate guard for the
 * organisations whose rates moved. Storing and effects share one transaction, so an event is
 * either stored with its effects or not at all (and the provider's retry applies it then).
 */
export async function processDeliveryEvents(services: Services, received: DeliveryEvent[], scope: Scope = {}): Promise<Result<ProcessReport, ProcessError>> {
  // A provider's text can hold what PostgreSQL refuses (NUL, half a surrogate pair): store it readable instead of failing the batch.
  const events = received.map(storableEvent);
  const report: ProcessReport = { received: events.length, stored: 0, duplicates: 0, unmatched: 0, paused: [], alerts: [] };
  if (events.length === 0) return ok(report);
  const keys = await services.keys.emailHashes();
  if (!keys) return err({ code: "NO_HASH_KEY", message: "Neither EMAIL_HASH_KEY nor SECRETS_KEY is set: bounced addresses cannot be suppressed.", retry: true });
  const [hashes, targets] = await Promise.all([
    hashEmails(
      keys.current.key,
      events.map((e) => e.recipient),
    ),
    matchEvents(services.db, events, scope),
  ]);

  const placed: Placed[] = [];
  events.forEach((event, i) => {
    const target = targets[i] ?? { kind: "none", organizationId: scope.organizationId };
    if (!target.organizationId) {
      report.unmatched++;
      return;
    }
    placed.push({ event, target, organizationId: target.organizationId, emailHash: hashes.get(normalizeEmail(event.recipient)) ?? "", emailHashKeyId: keys.current.id });
  });
  if (keys.previous) await keepListedHashes(services, keys.previous, placed);
  if (report.unmatched > 0) {
    services.log.warn("webhook events matched no notification", { provider: events[0]?.provider, count: report.unmatched });
  }
  if (placed.length === 0) return ok(report);

  const changed = await services.db.transaction(async (tx) => {
    const inserted: { provider: string; providerEventId: string }[] = [];
    // PostgreSQL takes at most 65,535 parameters per statement; a row has ten.
    for (let i = 0; i < placed.length; i += INSERT_CHUNK) {
      const rows = placed.slice(i, i + INSERT_CHUNK).map(toRow);
      inserted.push(
        ...(await tx
          .insert(deliveryEvents)
          .values(rows)
          .onConflictDoNothing({ target: [deliveryEvents.provider, deliveryEvents.providerEventId] })
          .returning({ provider: deliveryEvents.provider, providerEventId: deliveryEvents.providerEventId })),
      );
    }
    const fresh = new Set(inserted.map((r) => `${r.provider}|${r.providerEventId}`));
    // One event listed twice in the same batch is stored once and must take effect once.
    const applied = new Set<string>();
    const news = placed.filter((p) => {
      const id = `${p.event.provider}|${p.event.providerEventId}`;
      if (!fresh.has(id) || applied.has(id)) return false;
      applied.add(id);
      return true;
    });
    report.stored = news.length;
    report.duplicates = placed.length - news.length;
    return applyEffects(tx, services, news);
  });

  const moved = [...new Set(changed.filter((c) => c.status === "bounced" || c.status === "complained").map((c) => c.organizationId))];
  try {
    const guard = await evaluateGuard(services, moved);
    report.paused = guard.paused;
    report.alerts = guard.alerts;
  } catch (e) {
    // The events are committed: a 5xx now would only bring a retry that changes nothing. The next
    // batch that moves this organisation's rates evaluates the guard again.
    services.log.error("bounce guard not evaluated", { organizations: moved, error: messageOf(e) });
  }
  return ok(report);
}

function toRow({ event, target, organizationId, emailHash }: Placed): typeof deliveryEvents.$inferInsert {
  const detail: Record<string, unknown> = { recipientHash: emailHash };
  if (event.bounce?.diagnostic) detail.diagnostic = scrub(event.bounce.diagnostic);
  if (event.reason) detail.reason = scrub(event.reason);
  if (event.url) detail.url = event.url;
  if (target.kind === "digest") detail.digestId = target.id;
  return {
    organizationId,
    notificationId: target.kind === "notification" ? target.id : null,
    provider: event.provider,
    providerEventId: event.providerEventId,
    providerMessageId: event.providerMessageId,
    type: event.type,
    bounceKind: event.bounce?.kind ?? null,
    detail,
    occurredAt: event.occurredAt,
  };
}

async function applyEffects(tx: Transaction, services: Services, news: Placed[]): Promise<Changed[]> {
  const address = (p: Placed): AddressEffect => ({
    organizationId: p.organizationId,
    emailHash: p.emailHash,
    emailHashKeyId: p.emailHashKeyId,
    detail: scrub(p.event.bounce?.diagnostic ?? p.event.reason),
  });
  const hard = news.filter((p) => p.event.type === "bounced" && p.event.bounce?.kind !== "soft");
  const soft = news.filter((p) => p.event.type === "bounced" && p.event.bounce?.kind === "soft");
  const complaints = news.filter((p) => p.event.type === "complained");
  const delivered = news.filter((p) => p.event.type === "delivered");
  const unsubscribed = news.filter((p) => p.event.type === "unsubscribed");

  const changesOf = (kind: "notification" | "digest") =>
    news.flatMap((p) => {
      const status = p.event.type === "bounced" ? (p.event.bounce?.kind === "soft" ? undefined : "bounced") : FOLLOW_UP[p.event.type];
      return p.target.kind === kind && status ? [{ id: p.target.id, status }] : [];
    });
  // A digest email is mail like any other: its bounces count towards the guard too.
  const changed = [...(await advanceStatuses(tx, changesOf("notification"))), ...(await advanceStatuses(tx, changesOf("digest"), "digests"))];
  await suppressAddresses(tx, [
    ...hard.map((p) => ({ ...address(p), reason: "hard_bounce" as const })),
    ...complaints.map((p) => ({ ...address(p), reason: "complaint" as const })),
  ]);
  // Reset before counting, so a soft bounce reported after a delivery in the same batch still counts.
  await resetSoftBounces(tx, delivered.map(address));
  await countSoftBounces(tx, soft.map(address), services.env.SOFT_BOUNCE_SUPPRESS_THRESHOLD);
  await applyProviderUnsubscribes(
    { db: tx, preferences: services.preferences, log: services.log },
    unsubscribed.map((p) => ({
      organizationId: p.organizationId,
      recipientId: p.target.kind === "none" ? null : p.target.recipientId,
      notificationId: p.target.kind === "notification" ? p.target.id : null,
      emailHash: p.emailHash,
      provider: p.event.provider,
      occurredAt: p.event.occurredAt,
    })),
  );
  return changed;
}

/**
 * After EMAIL_HASH_KEY rotated, an address listed under the previous key keeps that entry: its
 * bounces and soft-bounce counts go on the existing row instead of starting a second one.
 */
async function keepListedHashes(services: Services, previous: EmailHashKey, placed: Placed[]): Promise<void> {
  const older = await hashEmails(
    previous.key,
    placed.map((p) => p.event.recipient),
  );
  const pairs = placed.flatMap((p) => [sql`(${p.organizationId}::uuid, ${p.emailHash})`, sql`(${p.organizationId}::uuid, ${older.get(normalizeEmail(p.event.recipient)) ?? ""})`]);
  if (pairs.length === 0) return;
  const listed = await services.db.execute<{ organization_id: string; email_hash: string }>(sql`
    SELECT organization_id, email_hash FROM suppressions WHERE (organization_id, email_hash) IN (${sql.join(pairs, sql`, `)})`);
  const found = new Set(listed.rows.map((r) => `${r.organization_id}|${r.email_hash}`));
  for (const p of placed) {
    const old = older.get(normalizeEmail(p.event.recipient)) ?? "";
    if (!found.has(`${p.organizationId}|${p.emailHash}`) && found.has(`${p.organizationId}|${old}`)) {
      p.emailHash = old;
      p.emailHashKeyId = previous.id;
    }
  }
}

function storableEvent(e: DeliveryEvent): DeliveryEvent {
  const text = (v: string | undefined) => (v === undefined ? undefined : storableText(v));
  return {
    ...e,
    providerEventId: storableText(e.providerEventId),
    providerMessageId: storableText(e.providerMessageId),
    recipient: storableText(e.recipient),
    ...(e.notificationId !== undefined ? { notificationId: storableText(e.notificationId) } : {}),
    ...(e.reason !== undefined ? { reason: text(e.reason) } : {}),
    ...(e.url !== undefined ? { url: text(e.url) } : {}),
    ...(e.bounce ? { bounce: { ...e.bounce, ...(e.bounce.diagnostic !== undefined ? { diagnostic: text(e.bounce.diagnostic) } : {}) } } : {}),
  };
}
