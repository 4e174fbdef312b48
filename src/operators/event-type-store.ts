import { z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { eventTypes, templates } from "../platform/db/schema";
import { err, ok, type Result } from "../platform/result";

export const EventTypeView = z
  .object({ key: z.string(), category: z.string(), template: z.string(), priority: z.enum(["normal", "high"]), critical: z.boolean(), retainContent: z.boolean() })
  .openapi("EventType");
export type EventTypeView = z.infer<typeof EventTypeView>;

export const PutEventTypeBody = z
  .object({
    category: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, _ - (e.g. comments)"),
    template: z.string().min(1).openapi({ description: "The key of one of the organisation's templates" }),
    priority: z.enum(["normal", "high"]).default("normal"),
    critical: z.boolean().default(false).openapi({ description: "Critical mail (password reset, security alert) ignores opt-outs and digests and carries no unsubscribe" }),
    retainContent: z.boolean().default(true).openapi({
      description:
        "False for mail such as password resets and one-time codes: the event's data is emptied as soon as a provider accepts the email, instead of after the retention period",
    }),
  })
  .openapi("PutEventTypeBody", { example: { category: "billing", template: "invoice.paid", priority: "normal", critical: false } });
export type PutEventTypeBody = z.infer<typeof PutEventTypeBody>;

export const EVENT_TYPE_KEY = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export type EventTypeRefusal = "unknown_template" | "unpublished_template";

export async function listEventTypes(db: Database, organizationId: string): Promise<EventTypeView[]> {
  return db
    .select({
      key: eventTypes.key,
      category: eventTypes.category,
      template: templates.key,
      priority: eventTypes.priority,
      critical: eventTypes.critical,
      retainContent: eventTypes.retainContent,
    })
    .from(eventTypes)
    .innerJoin(templates, eq(templates.id, eventTypes.templateId))
    .where(eq(eventTypes.organizationId, organizationId))
    .orderBy(asc(eventTypes.key));
}

/** Creates or changes event type `type`; it may only point at a template with a published version. */
export async function upsertEventType(db: Database, organizationId: string, type: string, body: PutEventTypeBody): Promise<Result<EventTypeView, EventTypeRefusal>> {
  const [template] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.organizationId, organizationId), eq(templates.key, body.template)));
  if (!template) return err("unknown_template");
  if (template.publishedVersion === null) return err("unpublished_template");
  const values = { category: body.category, templateId: template.id, priority: body.priority, critical: body.critical, retainContent: body.retainContent };
  await db
    .insert(eventTypes)
    .values({ organizationId, key: type, ...values })
    .onConflictDoUpdate({ target: [eventTypes.organizationId, eventTypes.key], set: { ...values, updatedAt: new Date() } });
  return ok({ key: type, category: body.category, template: body.template, priority: body.priority, critical: body.critical, retainContent: body.retainContent });
}
