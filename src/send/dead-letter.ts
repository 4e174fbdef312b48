import { and, inArray, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { notifications } from "../platform/db/schema";

/**
 * Messages land here after the queue's last retry. Their notifications end `failed`, with the
 * error of the last attempt as the reason a person reads.
 */
/** Which emails a dead-letter batch failed, and whose, so each organisation hears of its own. */
export type FailedByOrganization = { id: string; organizationId: string }[];

export async function failDeadLettered(db: Database, ids: string[]): Promise<FailedByOrganization> {
  if (ids.length === 0) return [];
  const updated = await db
    .update(notifications)
    .set({
      status: "failed",
      failedAt: sql`now()`,
      updatedAt: sql`now()`,
      leaseExpiresAt: null,
      failureReason: sql`'gave up after retries: ' || coalesce(
        (SELECT error FROM delivery_attempts a WHERE a.notification_id = ${notifications.id} ORDER BY a.created_at DESC LIMIT 1),
        ${notifications.failureReason}, 'no attempt recorded')`,
    })
    .where(and(inArray(notifications.id, ids), inArray(notifications.status, ["pending", "queued"])))
    .returning({ id: notifications.id, organizationId: notifications.organizationId });
  return updated;
}
