import { auditLog } from "../db/schema";
import type { Database } from "../db/client";

export type AuditActor = { type: "api_key"; id: string } | { type: "system"; id: string };

/** One audit_log row for a change made through the admin API (or by a system job such as the bounce guard). */
export async function recordAuditEntry(
  db: Pick<Database, "insert">,
  input: { organizationId: string; actor: AuditActor; action: string; targetType: string; targetId: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({
    organizationId: input.organizationId,
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    via: input.actor.type === "api_key" ? "api" : "bounce-guard",
    details: input.details ?? {},
  });
}
