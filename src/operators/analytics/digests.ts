import { sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { type GroupRow, groupColumns, groupedWithTotals, groupSelect, inRange, type Scope } from "./groups";

export type DigestRow = GroupRow & { digestsSent: number };

/** Digest emails a provider accepted in the range, by the day of `sent_at`. Reads `digests_organization_sent_idx`. */
export async function loadDigestSends(db: Database, scope: Scope): Promise<DigestRow[]> {
  const result = await db.execute<DigestRow>(sql`
    SELECT ${groupSelect}, count(*)::int AS "digestsSent"
      FROM (SELECT ${groupColumns(scope, { at: sql`d.sent_at`, provider: sql`d.provider`, eventType: sql`NULL::text` })}
              FROM digests d
             WHERE d.organization_id = ${scope.organizationId}::uuid AND ${inRange(sql`d.sent_at`, scope)}) s
     ${groupedWithTotals}`);
  return result.rows;
}
