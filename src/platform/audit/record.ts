import { z } from "zod";
import type { Caller } from "../../context";
import type { Database } from "../db/client";
import { auditLog } from "../db/schema";

/** Actions written through `recordAuditEntry`; recipients' own changes (src/recipient-pages, provider unsubscribes) write theirs directly. */
export const AuditAction = z.enum([
  "layout.update",
  "providers.update",
  "organization.update",
  "template.create",
  "template.version_create",
  "template.publish",
  "event_type.upsert",
  "preference_defaults.update",
  "recipient.preferences_update",
  // Counts only: an erase or export is audited without the data it removed or disclosed.
  "recipient.erase",
  "recipient.export",
  // Written once per cancel that took something back, with counts; the key names the events.
  "event.cancel",
  "suppression.add",
  "suppression.remove",
  "sender_domain.create",
  "sender_domain.verify",
  "sender_domain.delete",
  "sending.pause",
  "sending.resume",
  "api_key.create",
  "api_key.rotate",
  "api_key.revoke",
  // Written by the `tidings` CLI only (scripts/cli), listed so the dashboard can filter by it.
  "organization.create",
]);
export type AuditAction = z.infer<typeof AuditAction>;

export type AuditActor = { type: "api_key"; id: string } | { type: "system"; id: string };

export type AuditEntry = { action: AuditAction; targetType: string; targetId: string | null; details?: Record<string, unknown> };

/** One audit_log row for a change made through the admin API (or by a system job such as the bounce guard). */
export async function recordAuditEntry(db: Pick<Database, "insert">, input: AuditEntry & { organizationId: string; actor: AuditActor; via?: "api" | "dashboard" }): Promise<void> {
  await db.insert(auditLog).values({
    organizationId: input.organizationId,
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    via: input.via ?? (input.actor.type === "api_key" ? "api" : "bounce-guard"),
    details: input.details ?? {},
  });
}

/** The row for a change the calling API key made, in the key's own organisation. */
export const recordApiChange = (db: Pick<Database, "insert">, caller: Caller, entry: AuditEntry): Promise<void> =>
  recordAuditEntry(db, { ...entry, organizationId: caller.organizationId, actor: { type: "api_key", id: caller.apiKeyId } });

/** The row for a change made in the dashboard: the session's key is the actor, as on the API. */
export const recordDashboardChange = (db: Pick<Database, "insert">, caller: Pick<Caller, "organizationId" | "apiKeyId">, entry: AuditEntry): Promise<void> =>
  recordAuditEntry(db, { ...entry, organizationId: caller.organizationId, actor: { type: "api_key", id: caller.apiKeyId }, via: "dashboard" });
