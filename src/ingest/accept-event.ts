import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { events, eventTypes, notifications, recipients } from "../db/schema";
import { hashEmails, normalizeEmail } from "../crypto/email-hash";
import { err, ok, type Result } from "../result";
import type { AcceptedEvent, CreateEventBody } from "../routes/events/schema";
import { fingerprint } from "./fingerprint";

export type IngestError =
  | { code: "unknown_event_type"; type: string }
  | { code: "idempotency_conflict"; idempotencyKey: string };

export type StoredEvent = AcceptedEvent & { priority: "high" | "normal" };

/**
 * Writes the event, its recipients and one `pending` notification per recipient in one
 * transaction. A repeated idempotency key answers with the first event and writes nothing.
 * Enqueueing happens after the commit (see `enqueueNotifications`); if it fails, the rows stay
 * `pending` and the sweeper picks them up.
 */
export async function acceptEvent(
  db: Database,
  organizationId: string,
  input: CreateEventBody,
  /** The address-hash key (src/crypto/email-hash.ts); without it recipients get no email_hash. */
  options: { emailHashKey?: CryptoKey } = {},
): Promise<Result<StoredEvent, IngestError>> {
  const { idempotencyKey, ...content } = input;
  const [eventType] = await db
    .select({ id: eventTypes.id, priority: eventTypes.priority })
    .from(eventTypes)
    .where(and(eq(eventTypes.organizationId, organizationId), eq(eventTypes.key, input.type)))
    .limit(1);
  if (!eventType) return err({ code: "unknown_event_type", type: input.type });

  const print = await fingerprint(content);
  const priority = input.priority ?? eventType.priority;

  if (idempotencyKey) {
    const existing = await findDuplicate(db, organizationId, idempotencyKey, print, input);
    if (existing) return existing;
  }

  const eventId = crypto.randomUUID();
  // Hashed before the transaction opens, so it is not held open for the crypto.
  const hashes = options.emailHashKey ? await hashEmails(options.emailHashKey, input.recipients.map((r) => r.email)) : undefined;
  const written = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(events)
      .values({ id: eventId, organizationId, eventTypeId: eventType.id, type: input.type, idempotencyKey, fingerprint: print, priority, data: input.data })
      .onConflictDoNothing()
      .returning({ id: events.id });
    // A concurrent request with the same key committed first: write nothing, answer as a duplicate.
    if (inserted.length === 0) return undefined;

    const upserted = await tx
      .insert(recipients)
      .values(
        input.recipients.map((r) => ({
          organizationId,
          externalId: r.id,
          email: r.email,
          emailHash: hashes?.get(normalizeEmail(r.email)) ?? null,
          name: r.name ?? null,
          locale: r.locale ?? null,
          timezone: r.timezone ?? null,
        })),
      )
      .onConflictDoUpdate({
        target: [recipients.organizationId, recipients.externalId],
        set: {
          email: sql`excluded.email`,
          // Follows the address: a hash of the old one would point suppressions at the wrong person.
          emailHash: sql`coalesce(excluded.email_hash, CASE WHEN ${recipients.email} = excluded.email THEN ${recipients.emailHash} END)`,
          name: sql`coalesce(excluded.name, ${recipients.name})`,
          locale: sql`coalesce(excluded.locale, ${recipients.locale})`,
          timezone: sql`coalesce(excluded.timezone, ${recipients.timezone})`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: recipients.id, externalId: recipients.externalId });
    const idByExternal = new Map(upserted.map((r) => [r.externalId, r.id]));

    const rows = input.recipients.map((r) => ({
      id: crypto.randomUUID(),
      organizationId,
      eventId,
      eventTypeId: eventType.id,
      recipientId: idByExternal.get(r.id) as string,
      priority,
    }));
    await tx.insert(notifications).values(rows);
    return rows.map((row, i) => ({ id: row.id, recipientId: input.recipients[i]?.id ?? "", status: "pending" as const }));
  });

  if (!written) {
    const existing = await findDuplicate(db, organizationId, idempotencyKey ?? "", print, input);
    if (existing) return existing;
    throw new Error("idempotent insert lost its row");
  }
  return ok({ eventId, duplicate: false, priority, notifications: written });
}

async function findDuplicate(
  db: Database,
  organizationId: string,
  idempotencyKey: string,
  print: string,
  input: CreateEventBody,
): Promise<Result<StoredEvent, IngestError> | undefined> {
  const [event] = await db
    .select({ id: events.id, fingerprint: events.fingerprint, priority: events.priority })
    .from(events)
    .where(and(eq(events.organizationId, organizationId), eq(events.idempotencyKey, idempotencyKey)))
    .limit(1);
  if (!event) return undefined;
  if (event.fingerprint !== print) return err({ code: "idempotency_conflict", idempotencyKey });
  const rows = await db
    .select({ id: notifications.id, recipientId: recipients.externalId, status: notifications.status })
    .from(notifications)
    .innerJoin(recipients, eq(recipients.id, notifications.recipientId))
    .where(eq(notifications.eventId, event.id));
  // Same fingerprint, so the same recipients: answer in the order the first request listed them.
  const position = new Map(input.recipients.map((r, i) => [r.id, i]));
  rows.sort((a, b) => (position.get(a.recipientId) ?? 0) - (position.get(b.recipientId) ?? 0));
  return ok({ eventId: event.id, duplicate: true, priority: event.priority, notifications: rows });
}

/** After a successful enqueue: `pending → queued`, leaving alone any the consumer already claimed. */
export async function markQueued(db: Database, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notifications)
    .set({ status: "queued", queuedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(inArray(notifications.id, ids), eq(notifications.status, "pending")));
}
