import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { deliveryAttempts, digests, events, notificationRules, notifications, recipients } from "../../platform/db/schema";
import { listDigestEvents, listNotificationEvents, type ProviderEventRow } from "./provider-events";

export type NotificationDetail = {
  notification: typeof notifications.$inferSelect;
  type: string;
  /** The key of the event type's rule that made it (archived rules included); null for an event type without rules. */
  rule: string | null;
  /** The organisation's own id for the recipient. */
  recipientId: string;
  digest: typeof digests.$inferSelect | null;
  attempts: (typeof deliveryAttempts.$inferSelect)[];
  events: ProviderEventRow[];
  digestEvents: ProviderEventRow[];
};

/**
 * One notification of the organisation with its digest, every attempt and every provider event,
 * or undefined: another organisation's id is indistinguishable from a missing one.
 */
export async function loadNotificationDetail(db: Database, organizationId: string, id: string): Promise<NotificationDetail | undefined> {
  const [row] = await db
    .select({ n: notifications, type: events.type, rule: notificationRules.key, recipientId: recipients.externalId, digest: digests })
    .from(notifications)
    .innerJoin(events, eq(events.id, notifications.eventId))
    .innerJoin(recipients, eq(recipients.id, notifications.recipientId))
    .leftJoin(notificationRules, eq(notificationRules.id, notifications.ruleId))
    // The window's row is written by its Durable Object and may land a moment after the item is marked.
    .leftJoin(digests, and(eq(digests.id, notifications.digestId), eq(digests.organizationId, notifications.organizationId)))
    .where(and(eq(notifications.id, id), eq(notifications.organizationId, organizationId)))
    .limit(1);
  if (!row) return undefined;
  const d = row.digest;
  const [attempts, providerEvents, digestEvents] = await Promise.all([
    db.select().from(deliveryAttempts).where(eq(deliveryAttempts.notificationId, id)).orderBy(asc(deliveryAttempts.createdAt)),
    listNotificationEvents(db, organizationId, id),
    d ? listDigestEvents(db, organizationId, d.id) : [],
  ]);
  return { notification: row.n, type: row.type, rule: row.rule, recipientId: row.recipientId, digest: d, attempts, events: providerEvents, digestEvents };
}
