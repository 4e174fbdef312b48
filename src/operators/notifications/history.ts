import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { events, notifications } from "../../platform/db/schema";
import { type KeysetCursor, olderThan, preciseAt } from "../../platform/pagination/cursor";

type NotificationRow = typeof notifications.$inferSelect;

export type HistoryFilters = { status?: NotificationRow["status"]; type?: string };
export type HistoryEntry = NotificationRow & { type: string };
export type HistoryPage = { entries: HistoryEntry[]; next: KeysetCursor | null };

/**
 * One recipient's notifications, newest first, `limit` at a time after `after`. Keyset on
 * (created_at, id): one event's notifications are written in one statement and share created_at,
 * so the id is what keeps a page boundary from skipping or repeating them.
 * notifications_recipient_history_idx (organization_id, recipient_id, created_at) serves it.
 */
export async function listRecipientHistory(
  db: Database,
  organizationId: string,
  recipientId: string,
  filters: HistoryFilters,
  limit: number,
  after?: KeysetCursor,
): Promise<HistoryPage> {
  const conditions: SQL[] = [eq(notifications.organizationId, organizationId), eq(notifications.recipientId, recipientId)];
  if (filters.status !== undefined) conditions.push(eq(notifications.status, filters.status));
  if (filters.type !== undefined) conditions.push(eq(events.type, filters.type));
  if (after) conditions.push(olderThan(notifications.createdAt, notifications.id, after));
  const rows = await db
    .select({ notification: notifications, type: events.type, preciseAt: preciseAt(notifications.createdAt) })
    .from(notifications)
    .innerJoin(events, eq(events.id, notifications.eventId))
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({ ...r.notification, type: r.type })),
    next: rows.length > limit && last ? { at: last.preciseAt, id: last.notification.id } : null,
  };
}
