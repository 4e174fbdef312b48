import { sql } from "drizzle-orm";
import type { Caller } from "../context";
import { endEmptiedDigests, removeWindowItems, type WindowItems } from "../digest/remove-items";
import { recordApiChange } from "../platform/audit/record";
import type { notificationStatuses } from "../platform/db/schema/notifications";
import { uuidArray } from "../platform/db/sql";
import { type BaseError, err, ok, type Result } from "../platform/result";
import type { Services } from "../services";
import type { CancelReport, cancellableStatuses, NotCancelledReason } from "./cancel-schema";

export type CancelError = BaseError<"NOT_FOUND">;

type Status = (typeof notificationStatuses)[number];
type Cancelled = { id: string; recipient_id: string; external_id: string; was: (typeof cancellableStatuses)[number]; digest_id: string | null; category: string | null };
type Left = { id: string; external_id: string; status: Status };

/**
 * Takes back every notification of the organisation's events posted with `key` that no provider
 * has yet: scheduled, pending, queued, paused, and batched into a digest whose window is still
 * open. One statement does it, so there is no moment where some are cancelled and others not.
 *
 * A `sending` row is left alone: the consumer's claim (`queued → sending`) and this update both
 * take the row's lock and re-check its status, so whichever commits first wins and the other
 * finds nothing to do; the email is sent or cancelled, never both. The same holds for a digest:
 * its open row is locked here, and its close (`open → queued`, src/digest/store.ts) waits for this
 * commit, after which the digest mails only the items still `batched` into it.
 */
export async function cancelEvents(services: Services, caller: Caller, key: string): Promise<Result<CancelReport, CancelError>> {
  const organizationId = caller.organizationId;
  const done = await services.db.transaction(async (tx) => {
    const found = await tx.execute<{ events: number }>(sql`
      SELECT count(*)::int AS events FROM events WHERE organization_id = ${organizationId}::uuid AND cancellation_key = ${key}`);
    const events = found.rows[0]?.events ?? 0;
    if (events === 0) return undefined;
    const cancelled = await tx.execute<Cancelled>(sql`
      WITH keyed AS (
        SELECT id FROM events WHERE organization_id = ${organizationId}::uuid AND cancellation_key = ${key}
      ), open_digests AS (
        SELECT d.id, d.category FROM digests d
         WHERE d.organization_id = ${organizationId}::uuid AND d.status = 'open'
           AND d.id IN (SELECT n.digest_id FROM notifications n WHERE n.event_id IN (SELECT id FROM keyed) AND n.status = 'batched')
           FOR UPDATE
      ), target AS (
        SELECT n.id, n.status AS was, od.id AS open_digest, od.category FROM notifications n
          LEFT JOIN open_digests od ON od.id = n.digest_id
         WHERE n.event_id IN (SELECT id FROM keyed)
           AND (n.status IN ('scheduled', 'pending', 'queued', 'paused') OR (n.status = 'batched' AND od.id IS NOT NULL))
           FOR UPDATE OF n
      )
      UPDATE notifications n
         SET status = 'cancelled', decision_rule = 'cancelled_by_key', retry_at = NULL, lease_expires_at = NULL, updated_at = now()
        FROM target, recipients r
       WHERE n.id = target.id AND r.id = n.recipient_id
      RETURNING n.id, n.recipient_id, r.external_id, target.was, target.open_digest AS digest_id, target.category`);
    // A statement of its own, so it reads what the update and any send it waited for committed.
    const left = await tx.execute<Left>(sql`
      SELECT n.id, r.external_id, n.status FROM notifications n JOIN recipients r ON r.id = n.recipient_id
       WHERE n.event_id IN (SELECT id FROM events WHERE organization_id = ${organizationId}::uuid AND cancellation_key = ${key})
         AND NOT (n.id = ANY(${uuidArray(cancelled.rows.map((c) => c.id))}))
       ORDER BY n.created_at, n.id`);
    if (cancelled.rows.length > 0) {
      await recordApiChange(tx, caller, {
        action: "event.cancel",
        targetType: "cancellation_key",
        targetId: key,
        details: { events, cancelled: cancelled.rows.length, notCancelled: left.rows.length },
      });
    }
    return { events, cancelled: cancelled.rows, left: left.rows };
  });
  if (!done) return err({ code: "NOT_FOUND", message: `No event of this organisation carries the cancellation key "${key}".`, retry: false });
  await leaveWindows(services, organizationId, done.cancelled);
  return ok({
    cancellationKey: key,
    events: done.events,
    cancelled: done.cancelled.map((c) => ({ id: c.id, recipientId: c.external_id, previousStatus: c.was })),
    notCancelled: done.left.map((n) => ({ id: n.id, recipientId: n.external_id, status: n.status, reason: reasonFor(n.status) })),
  });
}

/**
 * Takes cancelled items out of their DigestWindow objects, so the window closes with the rest (or
 * ends, and its digest with it, when nothing is left). Best effort: an item left in its window is
 * no longer `batched`, so the digest leaves it out either way.
 */
async function leaveWindows(services: Services, organizationId: string, cancelled: Cancelled[]): Promise<void> {
  const byDigest = new Map<string, WindowItems & { id: string }>();
  for (const c of cancelled) {
    if (c.was !== "batched" || !c.digest_id || !c.category) continue;
    const entry = byDigest.get(c.digest_id) ?? { id: c.digest_id, key: { organizationId, recipientId: c.recipient_id, category: c.category }, notificationIds: [] };
    entry.notificationIds.push(c.id);
    byDigest.set(c.digest_id, entry);
  }
  if (byDigest.size === 0) return;
  await removeWindowItems(services, [...byDigest.values()]);
  await endEmptiedDigests(services, [...byDigest.values()], "every item was cancelled by its event's cancellation key");
}

function reasonFor(status: Status): NotCancelledReason {
  switch (status) {
    case "sent":
    case "delivered":
    case "bounced":
    case "complained":
      return "reached_provider";
    case "sending":
      return "being_sent";
    case "batched":
      return "in_closed_digest";
    case "cancelled":
      return "already_cancelled";
    case "failed":
    case "skipped":
    case "suppressed":
      return "already_decided";
    case "scheduled":
    case "pending":
    case "queued":
    case "paused":
      return "changed_meanwhile";
  }
}
