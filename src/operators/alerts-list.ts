import { and, desc, eq, type SQL } from "drizzle-orm";
import type { AlertKind } from "../platform/alerts/fire";
import { readAlertPayload, type StoredAlertPayload } from "../platform/alerts/payload";
import type { Database } from "../platform/db/client";
import { alerts } from "../platform/db/schema";
import { type KeysetCursor, olderThan, preciseAt } from "../platform/pagination/cursor";

export type ListedAlert = { id: string; kind: string; firedAt: Date } & StoredAlertPayload;
export type AlertPage = { entries: ListedAlert[]; next: KeysetCursor | null };

/**
 * One organisation's alerts, newest first, keyset-paged on (fired_at, id) like the audit log.
 * Environment-wide alerts (organization_id null: the shared account's credentials, the dead-letter
 * queue, shared circuits) are the operator's and never match a tenant's id. Alerts are deduplicated
 * to one row per condition per window, so an organisation has few and the scan stays small.
 */
export async function listAlerts(db: Database, organizationId: string, filters: { kind?: AlertKind | undefined }, limit: number, after?: KeysetCursor): Promise<AlertPage> {
  const conditions: SQL[] = [eq(alerts.organizationId, organizationId)];
  if (filters.kind !== undefined) conditions.push(eq(alerts.kind, filters.kind));
  if (after) conditions.push(olderThan(alerts.firedAt, alerts.id, after));
  const rows = await db
    .select({ id: alerts.id, kind: alerts.kind, payload: alerts.payload, firedAt: alerts.firedAt, preciseAt: preciseAt(alerts.firedAt) })
    .from(alerts)
    .where(and(...conditions))
    .orderBy(desc(alerts.firedAt), desc(alerts.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({ id: r.id, kind: r.kind, firedAt: r.firedAt, ...readAlertPayload(r.kind, r.payload) })),
    next: rows.length > limit && last ? { at: last.preciseAt, id: last.id } : null,
  };
}
