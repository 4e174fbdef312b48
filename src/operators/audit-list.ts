import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { auditLog } from "../platform/db/schema";
import { type KeysetCursor, olderThan, preciseAt } from "../platform/pagination/cursor";

type AuditRow = typeof auditLog.$inferSelect;

export type AuditFilters = { action?: string; targetType?: string; targetId?: string; actorType?: AuditRow["actorType"] };
export type AuditPage = { entries: AuditRow[]; next: KeysetCursor | null };

/**
 * One organisation's entries, newest first, `limit` at a time after `after`. Keyset on
 * (created_at, id), so a page costs the same deep in the log as at its start, and entries written
 * while someone pages never shift what comes next. audit_log_organization_created_idx serves it.
 */
export async function listAuditEntries(db: Database, organizationId: string, filters: AuditFilters, limit: number, after?: KeysetCursor): Promise<AuditPage> {
  const conditions: SQL[] = [eq(auditLog.organizationId, organizationId)];
  if (filters.action !== undefined) conditions.push(eq(auditLog.action, filters.action));
  if (filters.targetType !== undefined) conditions.push(eq(auditLog.targetType, filters.targetType));
  if (filters.targetId !== undefined) conditions.push(eq(auditLog.targetId, filters.targetId));
  if (filters.actorType !== undefined) conditions.push(eq(auditLog.actorType, filters.actorType));
  if (after) conditions.push(olderThan(auditLog.createdAt, auditLog.id, after));
  const rows = await db
    .select({ entry: auditLog, preciseAt: preciseAt(auditLog.createdAt) })
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { entries: page.map((r) => r.entry), next: rows.length > limit && last ? { at: last.preciseAt, id: last.entry.id } : null };
}
