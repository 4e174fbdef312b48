import { z } from "@hono/zod-openapi";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { eventTypes, templates } from "../platform/db/schema";
import { ok, type Result } from "../platform/result";
import { forgetEventType } from "../ingest/ingest-cache";
import { type EventTypeRefusal, listActiveRules, replaceRules, resolveRules, resolveTemplate } from "./notification-rule-store";
import { CATEGORY, NotificationRules, NotificationRuleView } from "./notification-rules-schema";

export type { EventTypeRefusal } from "./notification-rule-store";

export const EventTypeView = z
  .object({
    key: z.string(),
    category: z.string(),
    template: z.string(),
    priority: z.enum(["normal", "high"]),
    critical: z.boolean(),
    retainContent: z.boolean(),
    rules: z.array(NotificationRuleView).openapi({ description: "The active rules, in evaluation order; empty when the event type is its own single rule" }),
  })
  .openapi("EventType");
export type EventTypeView = z.infer<typeof EventTypeView>;

export const PutEventTypeBody = z
  .object({
    category: CATEGORY,
    template: z.string().min(1).openapi({ description: "The key of one of the organisation's templates" }),
    priority: z.enum(["normal", "high"]).default("normal"),
    critical: z.boolean().default(false).openapi({ description: "Critical mail (password reset, security alert) ignores opt-outs and digests and carries no unsubscribe" }),
    retainContent: z.boolean().default(true).openapi({
      description:
        "False for mail such as password resets and one-time codes: the event's data is emptied as soon as a provider accepts the email, instead of after the retention period",
    }),
    rules: NotificationRules.optional().openapi({
      description:
        "The notifications an event means, one per matching rule and recipient. Replaces the current rules: a kept key is updated, a missing one archived. Left out, the rules stay as they are; [] removes them all, and the event type is again its own single rule.",
    }),
  })
  .openapi("PutEventTypeBody", {
    example: {
      category: "billing",
      template: "invoice.paid",
      priority: "normal",
      critical: false,
      rules: [
        { key: "payer", template: "invoice.paid", condition: 'recipient.role == "payer"' },
        { key: "owner-alert", template: "invoice.large", category: "alerts", priority: "high", condition: 'recipient.role == "owner" and data.amount > 1000' },
      ],
    },
  });
export type PutEventTypeBody = z.infer<typeof PutEventTypeBody>;

export const EVENT_TYPE_KEY = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export type SavedEventType = { eventType: EventTypeView; archivedRules: string[] };

/** The organisation's event types with their active rules; `only` narrows the list to one key. */
export async function listEventTypes(db: Database, organizationId: string, only?: string): Promise<EventTypeView[]> {
  const [types, rules] = await Promise.all([
    db
      .select({
        id: eventTypes.id,
        key: eventTypes.key,
        category: eventTypes.category,
        template: templates.key,
        priority: eventTypes.priority,
        critical: eventTypes.critical,
        retainContent: eventTypes.retainContent,
      })
      .from(eventTypes)
      .innerJoin(templates, eq(templates.id, eventTypes.templateId))
      .where(and(eq(eventTypes.organizationId, organizationId), only === undefined ? undefined : eq(eventTypes.key, only)))
      .orderBy(asc(eventTypes.key)),
    listActiveRules(db, organizationId),
  ]);
  return types.map(({ id, ...type }) => ({ ...type, rules: rules.get(id) ?? [] }));
}

/**
 * Creates or changes event type `type` and, when `rules` is given, replaces its rules, in one
 * transaction. Every template it names must have a published version and every condition must
 * compile; otherwise nothing is written.
 */
export async function upsertEventType(db: Database, organizationId: string, type: string, body: PutEventTypeBody): Promise<Result<SavedEventType, EventTypeRefusal>> {
  const keys = [...new Set([body.template, ...(body.rules ?? []).map((r) => r.template)])];
  const found = await db
    .select({ id: templates.id, key: templates.key, publishedVersion: templates.publishedVersion })
    .from(templates)
    .where(and(eq(templates.organizationId, organizationId), inArray(templates.key, keys)));
  const byKey = new Map(found.map((t) => [t.key, t]));
  const template = resolveTemplate(byKey, body.template, "template");
  if (!template.ok) return template;
  const rules = body.rules === undefined ? undefined : resolveRules(body.rules, body, byKey);
  if (rules && !rules.ok) return rules;

  const values = { category: body.category, templateId: template.value.id, priority: body.priority, critical: body.critical, retainContent: body.retainContent };
  const archivedRules = await db.transaction(async (tx) => {
    // The upsert locks the event type's row, so concurrent saves of one type replace its rules in turn.
    const [row] = await tx
      .insert(eventTypes)
      .values({ organizationId, key: type, ...values })
      .onConflictDoUpdate({ target: [eventTypes.organizationId, eventTypes.key], set: { ...values, updatedAt: new Date() } })
      .returning({ id: eventTypes.id });
    if (!row) throw new Error("event type upsert returned no row");
    return rules ? replaceRules(tx, organizationId, row.id, rules.value) : [];
  });
  // After the commit: this isolate's next event of the type reads the saved rules (others within EVENT_TYPE_CACHE_SECONDS).
  forgetEventType(organizationId, type);
  const [saved] = await listEventTypes(db, organizationId, type);
  if (!saved) throw new Error(`event type ${type} vanished after its save`);
  return ok({ eventType: saved, archivedRules });
}
