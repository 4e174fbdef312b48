import { sql } from "drizzle-orm";
import { uuidArray } from "../platform/db/sql";
import { mapWithConcurrency } from "../platform/concurrency";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import { digestWindowName, type WindowKey } from "./window-types";

export type WindowItems = { key: WindowKey; notificationIds: string[] };

/**
 * Takes items out of their DigestWindow objects. Best effort by design: the caller has already
 * moved the notifications out of `batched`, so a window that keeps an id (the call failed) still
 * never mails it: the digest leaves out every item no longer batched into it, or ends `empty`.
 */
export async function removeWindowItems({ env, log }: Pick<Services, "env" | "log">, windows: WindowItems[]): Promise<number> {
  const removed = await mapWithConcurrency(windows, 6, async ({ key, notificationIds }) => {
    const name = digestWindowName(key);
    try {
      let count = 0;
      for (let i = 0; i < notificationIds.length; i += 1000) {
        count += (await env.DIGEST_WINDOW.get(env.DIGEST_WINDOW.idFromName(name)).removeItems({ notificationIds: notificationIds.slice(i, i + 1000) })).removed;
      }
      return count;
    } catch (e) {
      log.warn("digest window items not removed", { key: name, error: messageOf(e) });
      return 0;
    }
  });
  return removed.reduce((a, b) => a + b, 0);
}

/**
 * Ends `empty` the open digests whose window its object no longer holds (removeItems took the last
 * item) and into which nothing is batched any more, rather than leaving the row open until digest
 * cron finds the window gone. A window that still holds items closes and sends as usual; an object
 * that cannot be reached is left to that cron.
 */
export async function endEmptiedDigests({ env, db, log }: Pick<Services, "env" | "db" | "log">, digests: { id: string; key: WindowKey }[], reason: string): Promise<number> {
  const gone = await mapWithConcurrency(digests, 6, async ({ id, key }) => {
    try {
      const state = await env.DIGEST_WINDOW.get(env.DIGEST_WINDOW.idFromName(digestWindowName(key))).state();
      return state.window?.digestId !== id && !state.outbox.includes(id) ? id : null;
    } catch (e) {
      log.warn("digest window state not read", { key: digestWindowName(key), error: messageOf(e) });
      return null;
    }
  });
  const ids = gone.filter((id): id is string => id !== null);
  if (ids.length === 0) return 0;
  const ended = await db.execute<{ id: string }>(sql`
    UPDATE digests d SET status = 'empty', failure_reason = ${reason}, lease_expires_at = NULL, retry_at = NULL, updated_at = now()
     WHERE d.id = ANY(${uuidArray(ids)}) AND d.status = 'open'
       AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.digest_id = d.id AND n.status = 'batched')
    RETURNING d.id`);
  return ended.rows.length;
}
