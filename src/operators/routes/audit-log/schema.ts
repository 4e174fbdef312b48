import { z } from "@hono/zod-openapi";
import { auditActors } from "../../../platform/db/schema/audit-log";
import { CursorParam } from "../../../platform/pagination/query";

const Filter = z.string().min(1).max(200);

export const AuditLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorParam,
  action: Filter.optional().openapi({ description: "Only this action, e.g. template.publish" }),
  targetType: Filter.optional().openapi({ description: "Only changes to this kind of thing, e.g. template" }),
  targetId: Filter.optional().openapi({ description: "Only changes to this one, e.g. a template id" }),
  actorType: z.enum(auditActors).optional(),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;

export const AuditEntryView = z
  .object({
    id: z.string().uuid(),
    at: z.string().datetime(),
    actor: z.object({ type: z.enum(auditActors), id: z.string().openapi({ description: "The API key id, the recipient id, or the job's name" }) }),
    action: z.string().openapi({ example: "template.publish" }),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    via: z.string().openapi({ description: "api, one-click, preference-centre, unsubscribe-page, provider:<id> or bounce-guard" }),
    details: z.record(z.string(), z.unknown()).openapi({ description: "What changed; secrets never appear" }),
  })
  .openapi("AuditEntry");
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditLogPage = z
  .object({ entries: z.array(AuditEntryView), nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last" }) })
  .openapi("AuditLogPage");
export type AuditLogPage = z.infer<typeof AuditLogPage>;
