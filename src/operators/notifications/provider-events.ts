import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { deliveryEvents } from "../../platform/db/schema";

export type ProviderEventRow = typeof deliveryEvents.$inferSelect;

// Providers report in whole seconds, so several events can share occurred_at; the order they were
// stored in breaks the tie, and the id keeps the order stable within one webhook batch.
const oldestFirst = [asc(deliveryEvents.occurredAt), asc(deliveryEvents.createdAt), asc(deliveryEvents.id)];
const newestFirst = [desc(deliveryEvents.occurredAt), desc(deliveryEvents.createdAt), desc(deliveryEvents.id)];

export const listNotificationEvents = (db: Database, organizationId: string, notificationId: string): Promise<ProviderEventRow[]> =>
  db
    .select()
    .from(deliveryEvents)
    .where(and(eq(deliveryEvents.organizationId, organizationId), eq(deliveryEvents.notificationId, notificationId)))
    .orderBy(...oldestFirst);

/** A digest email's events carry no notification id; the follow-up stores the digest's id in `detail` instead. */
export const listDigestEvents = (db: Database, organizationId: string, digestId: string): Promise<ProviderEventRow[]> =>
  db
    .select()
    .from(deliveryEvents)
    // The same expression and predicate as delivery_events_digest_idx, so the index serves it.
    .where(and(eq(deliveryEvents.organizationId, organizationId), isNull(deliveryEvents.notificationId), sql`(${deliveryEvents.detail}->>'digestId') = ${digestId}`))
    .orderBy(...oldestFirst);

export type LastEvent = { type: string; at: Date };

/** The newest event of each notification, in one query for a whole page. */
export async function lastEventsOf(db: Database, organizationId: string, notificationIds: string[]): Promise<Map<string, LastEvent>> {
  if (notificationIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([deliveryEvents.notificationId], { notificationId: deliveryEvents.notificationId, type: deliveryEvents.type, at: deliveryEvents.occurredAt })
    .from(deliveryEvents)
    .where(and(eq(deliveryEvents.organizationId, organizationId), inArray(deliveryEvents.notificationId, notificationIds)))
    .orderBy(deliveryEvents.notificationId, ...newestFirst);
  return new Map(rows.flatMap((r) => (r.notificationId ? [[r.notificationId, { type: r.type, at: r.at }] as const] : [])));
}
