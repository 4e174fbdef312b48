import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { uuidArray } from "../platform/db/sql";

/**
 * True while some notification of the event still needs its data to be rendered: not yet sent
 * (pending, scheduled for later, queued, sending, held by a paused organisation), or batched into a digest that has not
 * gone out (open, queued, sending, paused, or whose row its Durable Object has not written yet).
 * The retention job and the `retainContent: false` drop share it, so neither empties an event a
 * send will still read.
 */
export const eventStillNeeded = (eventId: SQL): SQL => sql`EXISTS (
  SELECT 1 FROM notifications n LEFT JOIN digests d ON d.id = n.digest_id
   WHERE n.event_id = ${eventId}
     AND (n.status IN ('pending', 'scheduled', 'queued', 'sending', 'paused')
          OR (n.status = 'batched' AND (d.id IS NULL OR d.status IN ('open', 'queued', 'sending', 'paused')))))`;

/**
 * Empties the data of the given events whose type keeps no content (password resets, one-time
 * codes) once none of their notifications needs it any more. Called right after outcomes or
 * decisions are written, with the ids of such mail only, so other mail costs nothing. Each caller's
 * write has committed before this runs, so of two consumers finishing one event's last two
 * notifications at once, the later one sees both and drops the data.
 */
export async function dropContentOfFinishedEvents(db: Database, eventIds: string[], at: Date): Promise<number> {
  const ids = [...new Set(eventIds)];
  if (ids.length === 0) return 0;
  const result = await db.execute<{ id: string }>(sql`
    UPDATE events e SET data = '{}'::jsonb, data_sealed = NULL, content_purged_at = ${at.toISOString()}::timestamptz
      FROM event_types et
     WHERE e.id = ANY(${uuidArray(ids)}) AND e.content_purged_at IS NULL
       AND et.id = e.event_type_id AND NOT et.retain_content
       AND NOT ${eventStillNeeded(sql`e.id`)}
    RETURNING e.id`);
  return result.rows.length;
}
