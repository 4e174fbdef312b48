import { sql } from "drizzle-orm";
import type { Caller } from "../../context";
import { removeWindowItems, type WindowItems } from "../../digest/remove-items";
import { invalidateRecipientPreferences } from "../../decide/preferences/load";
import { recordApiChange } from "../../platform/audit/record";
import { hashesUnderEvery } from "../../platform/crypto/email-hash";
import { textArray } from "../../platform/db/sql";
import { openRecipient } from "../../platform/crypto/personal-data";
import type { Database } from "../../platform/db/client";
import { err, ok, type BaseError, type Result } from "../../platform/result";
import type { Services } from "../../services";
import { erasedExternalId, scrubPattern } from "./lookup";
import { ErasureRecord, type ErasureReport } from "./schema";
import { forgetRecipientId } from "../../ingest/ingest-cache";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** `emailHashes`: the address's hashes under every live key, so an entry from before a hash-key rotation counts too. */
type Person = { id: string; email: string; name: string | null; emailHashes: string[] };
export type EraseError = BaseError<"NOT_FOUND" | "INTERNAL_SERVER_ERROR">;
type Stored = { id: string; email: string | null; email_sealed: string | null; email_hash: string | null; name: string | null; name_sealed: string | null };

/**
 * Mail still waiting for this person: it ends `skipped` with decisionRule `recipient_erased` and is
 * never sent (`cancelled` stays the answer to an event's cancellation key, which the caller asked for).
 */
const WAITING = sql`('pending', 'scheduled', 'queued', 'paused', 'batched')`;

/**
 * Erases a recipient, or answers the first erase again. The row stays as a tombstone (no address,
 * name, locale or zone; the external id replaced by a hash of it) because the notification and
 * digest rows the organisation keeps for its counts must point at a recipient, and so that a
 * repeated erase can be told from an id that never existed.
 */
export async function eraseRecipient(services: Services, caller: Caller, externalId: string): Promise<Result<ErasureReport, EraseError>> {
  const { db } = services;
  const organizationId = caller.organizationId;
  const tombstoneId = await erasedExternalId(organizationId, externalId);
  const [hashKeys, sealing] = await Promise.all([services.keys.emailHashes(), services.keys.sealing()]);
  const erased = await db.transaction(async (tx) => {
    const old = await tx.execute<Stored>(sql`
      SELECT id, email, email_sealed, email_hash, name, name_sealed FROM recipients
       WHERE organization_id = ${organizationId}::uuid AND external_id = ${externalId} FOR UPDATE`);
    const stored = old.rows[0];
    if (!stored) return undefined;
    // The address and name are needed once more, to find the suppression entry and scrub texts that
    // quote them; opened before anything is written, so a missing key leaves the person as they were.
    const opened = await openRecipient(sealing, organizationId, stored.id, {
      email: { sealed: stored.email_sealed, plain: stored.email },
      name: { sealed: stored.name_sealed, plain: stored.name },
    });
    if (!opened.ok) return { unreadable: opened.error };
    await tx.execute(sql`
      UPDATE recipients
         SET external_id = ${tombstoneId}, email = '', email_sealed = NULL, email_hash = NULL, name = NULL, name_sealed = NULL,
             locale = NULL, timezone = NULL, unsubscribed_at = now(), text_only = false, updated_at = now()
       WHERE id = ${stored.id}::uuid`);
    const person = { id: stored.id, ...opened.value };
    const emailHashes = hashKeys && person.email ? (await hashesUnderEvery(hashKeys, person.email)).map((h) => h.hash) : stored.email_hash ? [stored.email_hash] : [];
    const { record, windows } = await eraseRows(tx, organizationId, { ...person, emailHashes });
    await recordApiChange(tx, caller, { action: "recipient.erase", targetType: "recipient", targetId: person.id, details: record });
    return { record, windows, recipientId: person.id };
  });
  if (!erased) return firstErasure(db, organizationId, externalId, tombstoneId);
  if ("unreadable" in erased) {
    return err({ code: "INTERNAL_SERVER_ERROR", message: `The recipient's sealed address or name did not open (${erased.unreadable}): a sealing key is missing.`, retry: false });
  }
  // This isolate's next event for the external id makes a new row rather than try the tombstone's id.
  forgetRecipientId(organizationId, externalId);
  await removeWindowItems(services, erased.windows);
  await invalidateRecipientPreferences(services, { organizationId, recipientId: erased.recipientId });
  return ok({ recipientId: externalId, ...erased.record });
}

/** Everything below the recipient row, in the transaction that tombstones it. */
async function eraseRows(tx: Tx, organizationId: string, person: Person) {
  const r = sql`${person.id}::uuid`;
  const hashes = textArray(person.emailHashes);
  // The person's live digests first, then their notifications: the order cancel-by-key
  // (src/ingest/cancel-events.ts) takes them in, so an erase and a cancel at once cannot deadlock.
  await tx.execute(sql`SELECT id FROM digests WHERE recipient_id = ${r} AND status IN ('open', 'queued', 'paused') ORDER BY id FOR UPDATE`);
  const cancelled = await tx.execute<{ id: string; was: string; category: string }>(sql`
    WITH target AS (
      -- A rule's category is the digest window its notifications went to.
      SELECT n.id, n.status AS was, coalesce(nr.category, et.category) AS category FROM notifications n
        JOIN event_types et ON et.id = n.event_type_id LEFT JOIN notification_rules nr ON nr.id = n.rule_id
       WHERE n.recipient_id = ${r} AND n.status IN ${WAITING} FOR UPDATE OF n
    )
    UPDATE notifications n
       SET status = 'skipped', decision_rule = 'recipient_erased', retry_at = NULL, lease_expires_at = NULL, updated_at = now()
      FROM target WHERE n.id = target.id
    RETURNING n.id, target.was, target.category`);
  const digests = await tx.execute<{ id: string }>(sql`
    UPDATE digests SET status = 'skipped', failure_reason = 'recipient erased', notification_ids = '{}'::uuid[], item_count = 0,
           lease_expires_at = NULL, retry_at = NULL, updated_at = now()
     WHERE recipient_id = ${r} AND status IN ('open', 'queued', 'paused') RETURNING id`);
  const preferences = await tx.execute(sql`DELETE FROM preferences WHERE recipient_id = ${r}`);
  // An event with other recipients keeps its data: it is theirs too.
  const events = await tx.execute(sql`
    UPDATE events e SET data = '{}'::jsonb, data_sealed = NULL, content_purged_at = coalesce(e.content_purged_at, now()), updated_at = now()
     WHERE e.organization_id = ${organizationId}::uuid AND (e.data <> '{}'::jsonb OR e.data_sealed IS NOT NULL)
       AND e.id IN (SELECT event_id FROM notifications WHERE recipient_id = ${r})
       AND NOT EXISTS (SELECT 1 FROM notifications o WHERE o.event_id = e.id AND o.recipient_id <> ${r})`);
  // A digest email's events keep only the digest id: it is how the digest's own view finds them.
  const deliveryEvents = await tx.execute(sql`
    UPDATE delivery_events SET detail = CASE WHEN notification_id IS NULL THEN jsonb_build_object('digestId', detail->'digestId') ELSE '{}'::jsonb END
     WHERE organization_id = ${organizationId}::uuid
       AND (notification_id IN (SELECT id FROM notifications WHERE recipient_id = ${r})
            OR (notification_id IS NULL AND detail->>'digestId' IN (SELECT id::text FROM digests WHERE recipient_id = ${r})))`);
  await scrubTexts(tx, organizationId, person);
  const kept = await tx.execute<{ notifications: number; digests: number; suppressed: boolean }>(sql`
    SELECT (SELECT count(*)::int FROM notifications WHERE recipient_id = ${r}) AS notifications,
           (SELECT count(*)::int FROM digests WHERE recipient_id = ${r}) AS digests,
           EXISTS (SELECT 1 FROM suppressions WHERE organization_id = ${organizationId}::uuid AND email_hash = ANY(${hashes}) AND suppressed_at IS NOT NULL) AS suppressed`);

  const batched = cancelled.rows.filter((n) => n.was === "batched");
  const byCategory = new Map<string, string[]>();
  for (const n of batched) byCategory.set(n.category, [...(byCategory.get(n.category) ?? []), n.id]);
  const windows: WindowItems[] = [...byCategory].map(([category, notificationIds]) => ({ key: { organizationId, recipientId: person.id, category }, notificationIds }));
  const record: ErasureRecord = {
    erasedAt: new Date().toISOString(),
    erased: {
      notificationsCancelled: cancelled.rows.length,
      digestItemsRemoved: batched.length,
      digestsCancelled: digests.rows.length,
      preferences: preferences.rowCount ?? 0,
      eventsEmptied: events.rowCount ?? 0,
      deliveryEventsScrubbed: deliveryEvents.rowCount ?? 0,
    },
    kept: { notifications: kept.rows[0]?.notifications ?? 0, digests: kept.rows[0]?.digests ?? 0, suppressed: kept.rows[0]?.suppressed ?? false },
  };
  return { record, windows };
}

/**
 * Provider answers, failure reasons and alerts can quote the address (and an SMTP reply the name):
 * what is kept for the organisation's records keeps the text with the person taken out.
 */
async function scrubTexts(tx: Tx, organizationId: string, person: Person) {
  const r = sql`${person.id}::uuid`;
  const hashes = textArray(person.emailHashes);
  const both = scrubPattern([person.email, person.name]);
  const address = scrubPattern([person.email]);
  if (!both || !address) return;
  await tx.execute(sql`
    UPDATE delivery_attempts SET error = regexp_replace(error, ${both}, '[erased]', 'gi')
     WHERE notification_id IN (SELECT id FROM notifications WHERE recipient_id = ${r}) AND error ~* ${both}`);
  await tx.execute(sql`
    UPDATE notifications SET failure_reason = regexp_replace(failure_reason, ${both}, '[erased]', 'gi')
     WHERE recipient_id = ${r} AND failure_reason ~* ${both}`);
  await tx.execute(sql`
    UPDATE digests SET failure_reason = regexp_replace(failure_reason, ${both}, '[erased]', 'gi'),
           attempt_log = regexp_replace(attempt_log::text, ${address}, '[erased]', 'gi')::jsonb
     WHERE recipient_id = ${r} AND (failure_reason ~* ${both} OR attempt_log::text ~* ${address})`);
  // The address's own suppression entry may quote a bounce naming the person; other rows of the
  // organisation are matched on the address only, since a short name would match strangers' text.
  await tx.execute(sql`
    UPDATE suppressions SET detail = regexp_replace(detail, CASE WHEN email_hash = ANY(${hashes}) THEN ${both} ELSE ${address} END, '[erased]', 'gi')
     WHERE organization_id = ${organizationId}::uuid
       AND (detail ~* ${address} OR (email_hash = ANY(${hashes}) AND detail ~* ${both}))`);
  await tx.execute(sql`
    UPDATE alerts SET payload = regexp_replace(payload::text, ${address}, '[erased]', 'gi')::jsonb
     WHERE organization_id = ${organizationId}::uuid AND payload::text ~* ${address}`);
}

/** A repeated erase answers what the first one did, read back from its audit row; an id never seen is a 404. */
async function firstErasure(db: Database, organizationId: string, externalId: string, tombstoneId: string): Promise<Result<ErasureReport, EraseError>> {
  const found = await db.execute<{ details: unknown; updated_at: Date }>(sql`
    SELECT a.details, r.updated_at FROM recipients r
      LEFT JOIN audit_log a ON a.organization_id = r.organization_id AND a.action = 'recipient.erase' AND a.target_type = 'recipient' AND a.target_id = r.id::text
     WHERE r.organization_id = ${organizationId}::uuid AND r.external_id = ${tombstoneId}
     ORDER BY a.created_at LIMIT 1`);
  const row = found.rows[0];
  if (!row) return err({ code: "NOT_FOUND", message: `No recipient ${externalId}.`, retry: false });
  const parsed = ErasureRecord.safeParse(row.details);
  const record: ErasureRecord = parsed.success
    ? parsed.data
    : {
        erasedAt: new Date(row.updated_at).toISOString(),
        erased: { notificationsCancelled: 0, digestItemsRemoved: 0, digestsCancelled: 0, preferences: 0, eventsEmptied: 0, deliveryEventsScrubbed: 0 },
        kept: { notifications: 0, digests: 0, suppressed: false },
      };
  return ok({ recipientId: externalId, ...record });
}
