import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { uuidArray } from "../platform/db/sql";
import { digestWindowName, type ClosedDigest, type WindowKey } from "./window-types";

const iso = (ms: number) => new Date(ms).toISOString();

/** Registers an open window, so cron can find it; written once per window, later writes are no-ops. */
export async function insertOpenDigest(db: Database, open: { digestId: string; key: WindowKey; kind: ClosedDigest["kind"]; openedAt: number; dueAt: number }): Promise<void> {
  await db.execute(sql`
    INSERT INTO digests (id, organization_id, recipient_id, category, key, kind, status, opened_at, due_at)
    VALUES (${open.digestId}::uuid, ${open.key.organizationId}::uuid, ${open.key.recipientId}::uuid, ${open.key.category},
            ${digestWindowName(open.key)}, ${open.kind}, 'open', ${iso(open.openedAt)}::timestamptz, ${iso(open.dueAt)}::timestamptz)
    ON CONFLICT (id) DO NOTHING`);
}

/**
 * Writes a closed window with its items as `queued`. Idempotent: a retried close (the queue send
 * failed after this committed) changes nothing once the row has left `open`.
 */
export async function upsertClosedDigest(db: Database, d: ClosedDigest): Promise<void> {
  await db.execute(sql`
    INSERT INTO digests (id, organization_id, recipient_id, category, key, kind, status, notification_ids, item_count, opened_at, due_at, closed_at)
    VALUES (${d.digestId}::uuid, ${d.key.organizationId}::uuid, ${d.key.recipientId}::uuid, ${d.key.category}, ${digestWindowName(d.key)},
            ${d.kind}, 'queued', ${uuidArray(d.notificationIds)}, ${d.notificationIds.length}, ${iso(d.openedAt)}::timestamptz,
            ${iso(d.dueAt)}::timestamptz, ${iso(d.closedAt)}::timestamptz)
    ON CONFLICT (id) DO UPDATE
       SET status = 'queued', notification_ids = excluded.notification_ids, item_count = excluded.item_count,
           closed_at = excluded.closed_at, updated_at = now()
     WHERE digests.status = 'open'`);
}
