import { sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { mapWithConcurrency } from "../platform/concurrency";
import { digestWindowName, type WindowKey } from "./window-types";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import type { EffectiveCategory } from "../decide/preferences/model";

/** Windows flushed by one defaults change; the rest close at their own time, under the old schedule. */
const DEFAULTS_FLUSH_LIMIT = 500;

/**
 * A change that ends digest mode for a category (to immediate, or to another schedule) closes the
 * open window now, so what is pending is sent rather than held under settings no longer wanted.
 * Opting out does not flush: the pending digest is then skipped when it comes due.
 */
export function endsDigest(before: EffectiveCategory, after: EffectiveCategory): boolean {
  if (!before.enabled || before.delivery !== "digest" || !after.enabled) return false;
  return after.delivery !== "digest" || JSON.stringify(after.digest) !== JSON.stringify(before.digest);
}

export async function flushWindows({ env, log }: Services, keys: WindowKey[]): Promise<string[]> {
  const closed = await mapWithConcurrency(keys, 6, async (key) => {
    const name = digestWindowName(key);
    try {
      return (await env.DIGEST_WINDOW.get(env.DIGEST_WINDOW.idFromName(name)).flush({})).digestId;
    } catch (e) {
      log.error("digest window flush failed", { key: name, error: messageOf(e) });
      return null;
    }
  });
  return closed.filter((id): id is string => id !== null);
}

/** Open windows in these categories of recipients who follow the organisation's delivery default. */
export async function windowsFollowingDefaults(db: Database, organizationId: string, categories: string[]): Promise<WindowKey[]> {
  if (categories.length === 0) return [];
  const rows = await db.execute<{ recipient_id: string; category: string }>(sql`
    SELECT DISTINCT d.recipient_id, d.category FROM digests d
      LEFT JOIN preferences p ON p.recipient_id = d.recipient_id AND p.category = d.category
      LEFT JOIN preference_defaults pd ON pd.organization_id = d.organization_id AND pd.category = d.category
     WHERE d.organization_id = ${organizationId}::uuid AND d.status = 'open'
       AND d.category IN (${sql.join(
         categories.map((c) => sql`${c}`),
         sql`, `,
       )})
       AND (p.delivery IS NULL OR coalesce(pd.locked, false))
     LIMIT ${DEFAULTS_FLUSH_LIMIT}`);
  return rows.rows.map((r) => ({ organizationId, recipientId: r.recipient_id, category: r.category }));
}
