import type { RecipientQuietHours } from "../decide/timing/quiet-hours-schema";
import { sealPersonal } from "../platform/crypto/personal-data";
import type { SealingKeys } from "../platform/crypto/sealed-box";
import type { Database } from "../platform/db/client";
import { runStatement, statement } from "../platform/db/statement";

/** A recipient as the write takes it: the columns of their row, sealed or not. */
export type Person = {
  recipient_id: string;
  external_id: string;
  email: string | null;
  email_sealed?: string | null;
  email_hash: string | null;
  email_hash_key_id: string | null;
  name: string | null;
  name_sealed?: string | null;
  locale: string | null;
  timezone: string | null;
  quiet_hours?: RecipientQuietHours;
};

/** Everything of one event's write but its recipients, which are sealed per attempt. */
export type EventWrite = {
  eventId: string;
  organizationId: string;
  eventTypeId: string;
  type: string;
  idempotencyKey: string | null;
  fingerprint: string;
  priority: "high" | "normal";
  data: string;
  dataSealed: string | null;
  cancellationKey: string | null;
  sendAt: string | null;
  /** The notifications, as JSON: `{ notification_id, external_id, rule_id, priority }[]`. */
  items: string;
  status: "scheduled" | "queued";
  queuedAt: string | null;
  retryAt: string | null;
};
type RowIds = { id: string; external_id: string }[];
export type WriteCounts = { events: number; notifications: number; recipients: RowIds | null; misplaced: { id: string | null; external_id: string }[] | null };

/**
 * One statement, so one round trip and atomic without BEGIN/COMMIT: the event, the recipients
 * (upserted; an existing row keeps its id) and the notifications. It writes nothing when the event
 * insert meets a concurrent request's row for the same idempotency key (`events` 0), or when a
 * recipient's values were sealed for an id that is not its row's (`misplaced`: the row's id, or
 * null when the id belongs to another row and the recipient has none).
 */
export async function writeEvent(db: Database, w: EventWrite, people: string): Promise<WriteCounts | undefined> {
  const [row] = await runStatement<WriteCounts>(
    db,
    // Named first: a failure's log shows the statement's opening only.
    statement`/* ingest: INSERT INTO events, recipients, notifications */
    WITH given AS (
      SELECT * FROM jsonb_to_recordset(${people}::jsonb)
        AS p(recipient_id uuid, external_id text, email text, email_sealed text, email_hash text, email_hash_key_id text, name text, name_sealed text, locale text, timezone text, quiet_hours jsonb)
    ), misplaced AS (
      SELECT g.external_id, r.id
        FROM given g
        LEFT JOIN recipients r ON r.organization_id = ${w.organizationId}::uuid AND r.external_id = g.external_id
       WHERE r.id <> g.recipient_id OR (r.id IS NULL AND EXISTS (SELECT 1 FROM recipients x WHERE x.id = g.recipient_id))
    ), event AS (
      INSERT INTO events (id, organization_id, event_type_id, type, idempotency_key, fingerprint, priority, data, data_sealed, cancellation_key, send_at)
      SELECT ${w.eventId}::uuid, ${w.organizationId}::uuid, ${w.eventTypeId}::uuid, ${w.type}::text, ${w.idempotencyKey}::text, ${w.fingerprint}::text, ${w.priority}::text,
             ${w.data}::jsonb, ${w.dataSealed}::text, ${w.cancellationKey}::text, ${w.sendAt}::timestamptz
       WHERE NOT EXISTS (SELECT 1 FROM misplaced)
      ON CONFLICT DO NOTHING
      RETURNING id
    ), upserted AS (
      INSERT INTO recipients AS r (id, organization_id, external_id, email, email_sealed, email_hash, email_hash_key_id, name, name_sealed, locale, timezone, quiet_hours)
      SELECT recipient_id, ${w.organizationId}::uuid, external_id, email, email_sealed, email_hash, email_hash_key_id, name, name_sealed, locale, timezone, quiet_hours FROM given
       WHERE EXISTS (SELECT 1 FROM event)
      ON CONFLICT (organization_id, external_id) DO UPDATE SET
        -- Sealed values are bound to the row id they were sealed for. When another request created
        -- this recipient after this statement began, ours were sealed for an id the row does not
        -- have: the row keeps the values that request wrote a moment ago.
        email = CASE WHEN r.id = excluded.id THEN excluded.email ELSE r.email END,
        email_sealed = CASE WHEN r.id = excluded.id THEN excluded.email_sealed ELSE r.email_sealed END,
        -- Follows the address: a hash of the old one would point suppressions at the wrong person.
        email_hash = CASE WHEN r.id <> excluded.id THEN r.email_hash
                          ELSE coalesce(excluded.email_hash, CASE WHEN r.email = excluded.email THEN r.email_hash END) END,
        email_hash_key_id = CASE WHEN r.id <> excluded.id THEN r.email_hash_key_id WHEN excluded.email_hash IS NOT NULL THEN excluded.email_hash_key_id
                                 WHEN r.email = excluded.email THEN r.email_hash_key_id END,
        -- An event without a name keeps the one the recipient had.
        name = CASE WHEN r.id <> excluded.id OR (excluded.name IS NULL AND excluded.name_sealed IS NULL) THEN r.name ELSE excluded.name END,
        name_sealed = CASE WHEN r.id <> excluded.id OR (excluded.name IS NULL AND excluded.name_sealed IS NULL) THEN r.name_sealed ELSE excluded.name_sealed END,
        locale = coalesce(excluded.locale, r.locale),
        timezone = coalesce(excluded.timezone, r.timezone),
        quiet_hours = coalesce(excluded.quiet_hours, r.quiet_hours),
        updated_at = now()
      RETURNING id, external_id
    ), written AS (
      INSERT INTO notifications (id, organization_id, event_id, event_type_id, recipient_id, rule_id, priority, status, queued_at, retry_at)
      SELECT i.notification_id, ${w.organizationId}::uuid, ${w.eventId}::uuid, ${w.eventTypeId}::uuid, u.id, i.rule_id, i.priority, ${w.status}::text,
             ${w.queuedAt}::timestamptz, ${w.retryAt}::timestamptz
        FROM jsonb_to_recordset(${w.items}::jsonb) AS i(notification_id uuid, external_id text, rule_id uuid, priority text)
        JOIN upserted u ON u.external_id = i.external_id
      RETURNING id
    )
    SELECT (SELECT count(*) FROM event)::int AS events, (SELECT count(*) FROM written)::int AS notifications,
           (SELECT jsonb_agg(jsonb_build_object('id', id, 'external_id', external_id)) FROM upserted) AS recipients,
           (SELECT jsonb_agg(jsonb_build_object('id', id, 'external_id', external_id)) FROM misplaced) AS misplaced`,
  );
  return row;
}

/** With sealing keys, the address and name go sealed and their plain-text columns stay null. */
export async function sealRecipient(keys: SealingKeys | undefined, organizationId: string, person: Person): Promise<Person> {
  if (!keys) return { ...person, email_sealed: null, name_sealed: null };
  const place = { organizationId, rowId: person.recipient_id };
  const [email, name] = await Promise.all([
    sealPersonal(keys, { ...place, column: "recipients.email" }, person.email ?? ""),
    person.name === null ? null : sealPersonal(keys, { ...place, column: "recipients.name" }, person.name),
  ]);
  return { ...person, email: null, email_sealed: email, name: null, name_sealed: name };
}
