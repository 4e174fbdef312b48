import { eq, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { Col } from "../platform/db/rows";
import { type eventTypes, type events, notifications, recipients } from "../platform/db/schema";
import { hashEmails, normalizeEmail } from "../platform/crypto/email-hash";
import { err, ok, type Result } from "../platform/result";
import type { AcceptedEvent, CreateEventBody } from "./schema";
import { fingerprint } from "./fingerprint";

export type IngestError = { code: "unknown_event_type"; type: string } | { code: "idempotency_conflict"; idempotencyKey: string };

export type StoredEvent = AcceptedEvent & { priority: "high" | "normal" };

/**
 * Writes the event, its recipients and one `pending` notification per recipient atomically, in
 * one statement (two round trips in all: the look-up, then the write). A repeated idempotency key
 * answers with the first event and writes nothing.
 * Enqueueing happens after the commit (see `enqueuePending`); if it fails, the rows stay
 * `pending` and the sweeper picks them up.
 */
export async function acceptEvent(
  db: Database,
  organizationId: string,
  input: CreateEventBody,
  /** The address-hash key (src/platform/crypto/email-hash.ts); without it recipients get no email_hash. */
  options: { emailHashKey?: CryptoKey } = {},
): Promise<Result<StoredEvent, IngestError>> {
  const { idempotencyKey, ...content } = input;
  const print = await fingerprint(content);
  const found = await lookUpTypeAndKey(db, organizationId, input.type, idempotencyKey);
  if (!found) return err({ code: "unknown_event_type", type: input.type });
  if (found.existing) return answerDuplicate(db, found.existing, idempotencyKey ?? "", print, input);

  const eventId = crypto.randomUUID();
  const priority = input.priority ?? found.priority;
  const hashes = options.emailHashKey
    ? await hashEmails(
        options.emailHashKey,
        input.recipients.map((r) => r.email),
      )
    : undefined;
  const people = input.recipients.map((r) => ({
    recipient_id: crypto.randomUUID(),
    notification_id: crypto.randomUUID(),
    external_id: r.id,
    email: r.email,
    email_hash: hashes?.get(normalizeEmail(r.email)) ?? null,
    name: r.name ?? null,
    locale: r.locale ?? null,
    timezone: r.timezone ?? null,
  }));
  // One statement, so one round trip and atomic without BEGIN/COMMIT: the event, the recipients
  // (upserted; an existing row keeps its id) and a pending notification each. When the event
  // insert meets a concurrent request's row for the same idempotency key, nothing else is written.
  const written = await db.execute<{ id: string }>(sql`
    WITH event AS (
      INSERT INTO events (id, organization_id, event_type_id, type, idempotency_key, fingerprint, priority, data)
      VALUES (${eventId}::uuid, ${organizationId}::uuid, ${found.eventTypeId}::uuid, ${input.type}, ${idempotencyKey ?? null}, ${print}, ${priority}, ${JSON.stringify(input.data)}::jsonb)
      ON CONFLICT DO NOTHING
      RETURNING id
    ), people AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(people)}::jsonb)
        AS p(recipient_id uuid, notification_id uuid, external_id text, email text, email_hash text, name text, locale text, timezone text)
    ), upserted AS (
      INSERT INTO recipients AS r (id, organization_id, external_id, email, email_hash, name, locale, timezone)
      SELECT recipient_id, ${organizationId}::uuid, external_id, email, email_hash, name, locale, timezone FROM people
       WHERE EXISTS (SELECT 1 FROM event)
      ON CONFLICT (organization_id, external_id) DO UPDATE SET
        email = excluded.email,
        -- Follows the address: a hash of the old one would point suppressions at the wrong person.
        email_hash = coalesce(excluded.email_hash, CASE WHEN r.email = excluded.email THEN r.email_hash END),
        name = coalesce(excluded.name, r.name),
        locale = coalesce(excluded.locale, r.locale),
        timezone = coalesce(excluded.timezone, r.timezone),
        updated_at = now()
      RETURNING id, external_id
    )
    INSERT INTO notifications (id, organization_id, event_id, event_type_id, recipient_id, priority)
    SELECT p.notification_id, ${organizationId}::uuid, ${eventId}::uuid, ${found.eventTypeId}::uuid, u.id, ${priority}
      FROM people p JOIN upserted u ON u.external_id = p.external_id
    RETURNING id`);

  if (written.rows.length === 0) {
    // A concurrent request with the same key committed first: answer as a duplicate of it.
    const again = await lookUpTypeAndKey(db, organizationId, input.type, idempotencyKey);
    if (again?.existing) return answerDuplicate(db, again.existing, idempotencyKey ?? "", print, input);
    throw new Error("idempotent insert lost its row");
  }
  if (written.rows.length !== people.length) throw new Error(`wrote ${written.rows.length} notifications for ${people.length} recipients`);
  return ok({ eventId, duplicate: false, priority, notifications: people.map((p) => ({ id: p.notification_id, recipientId: p.external_id, status: "pending" as const })) });
}

type ExistingEvent = { id: string; fingerprint: string; priority: "high" | "normal" };

/** The event type and, when a key is given, the event it already names: one round trip for both. */
async function lookUpTypeAndKey(
  db: Database,
  organizationId: string,
  type: string,
  idempotencyKey: string | undefined,
): Promise<{ eventTypeId: string; priority: "high" | "normal"; existing?: ExistingEvent } | undefined> {
  type E = typeof events;
  const result = await db.execute<{
    event_type_id: Col<typeof eventTypes, "id">;
    priority: Col<typeof eventTypes, "priority">;
    existing_id: Col<E, "id"> | null;
    existing_fingerprint: Col<E, "fingerprint"> | null;
    existing_priority: Col<E, "priority"> | null;
  }>(sql`
    SELECT et.id AS event_type_id, et.priority, e.id AS existing_id, e.fingerprint AS existing_fingerprint, e.priority AS existing_priority
      FROM event_types et
      LEFT JOIN events e ON e.organization_id = et.organization_id AND e.idempotency_key = ${idempotencyKey ?? null}
     WHERE et.organization_id = ${organizationId}::uuid AND et.key = ${type}
     LIMIT 1`);
  const row = result.rows[0];
  if (!row) return undefined;
  const existing =
    row.existing_id && row.existing_fingerprint && row.existing_priority
      ? { id: row.existing_id, fingerprint: row.existing_fingerprint, priority: row.existing_priority }
      : undefined;
  return { eventTypeId: row.event_type_id, priority: row.priority, ...(existing ? { existing } : {}) };
}

/** The first request's answer for a repeated key; a different body under the same key is a conflict. */
async function answerDuplicate(db: Database, event: ExistingEvent, idempotencyKey: string, print: string, input: CreateEventBody): Promise<Result<StoredEvent, IngestError>> {
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
