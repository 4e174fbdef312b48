import { sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { type GroupRow, groupColumns, groupedWithTotals, groupSelect, inRange, type Scope } from "./groups";

export type EngagementRow = GroupRow & { delivered: number; bounced: number; complained: number; opened: number; clicked: number };

/**
 * Emails with at least one provider event of each type in the range, each email counted once per
 * type, on the local day of its first such event in the range. Counting emails rather than events
 * keeps a provider's repeated reports (and a reader opening a mail five times) from inflating the
 * figures, and counting each on one day only makes the groups add up to the totals.
 * An email is its notification, else its digest, else the provider's message id.
 * Reads `delivery_events_organization_type_idx` (organization_id, type, occurred_at).
 */
export async function loadEngagement(db: Database, scope: Scope): Promise<EngagementRow[]> {
  const result = await db.execute<EngagementRow>(sql`
    WITH firsts AS (
      SELECT DISTINCT ON (type, email) type, provider, occurred_at, notification_id
        FROM (SELECT type, provider, occurred_at, notification_id,
                     coalesce(notification_id::text, detail->>'digestId', provider || ':' || coalesce(provider_message_id, provider_event_id)) AS email
                FROM delivery_events
               WHERE organization_id = ${scope.organizationId}::uuid
                 AND type IN ('delivered', 'bounced', 'complained', 'opened', 'clicked')
                 AND ${inRange(sql`occurred_at`, scope)}) e
       ORDER BY type, email, occurred_at)
    SELECT ${groupSelect},
           count(*) FILTER (WHERE type = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE type = 'bounced')::int AS bounced,
           count(*) FILTER (WHERE type = 'complained')::int AS complained,
           count(*) FILTER (WHERE type = 'opened')::int AS opened,
           count(*) FILTER (WHERE type = 'clicked')::int AS clicked
      FROM (SELECT ${groupColumns(scope, { at: sql`occurred_at`, provider: sql`provider`, eventType: sql`(SELECT et.key FROM notifications n JOIN event_types et ON et.id = n.event_type_id WHERE n.id = notification_id)` })}, type FROM firsts) s
     ${groupedWithTotals}`);
  return result.rows;
}
