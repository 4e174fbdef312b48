import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { recordApiChange } from "../../platform/audit/record";
import type { App } from "../../context";
import { eventTypes, templates } from "../../platform/db/schema";
import { ApiError, errorResponses } from "../../platform/errors";
import { requireApiKey } from "../../platform/http/auth";

const EventTypeView = z
  .object({ key: z.string(), category: z.string(), template: z.string(), priority: z.enum(["normal", "high"]), critical: z.boolean(), retainContent: z.boolean() })
  .openapi("EventType");
const PutEventTypeBody = z
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
const Params = z.object({
  type: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/)
    .openapi({ param: { name: "type", in: "path" } }),
});

const list = createRoute({
  method: "get",
  path: "/v1/event-types",
  operationId: "listEventTypes",
  tags: ["event types"],
  summary: "The organisation's event types",
  description: "The event types POST /v1/events accepts, with each one's preference category, template, priority and whether it is critical. Roles: viewer, editor, admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  responses: { 200: { description: "Event types", content: { "application/json": { schema: z.object({ eventTypes: z.array(EventTypeView) }) } } }, ...errorResponses(401, 403) },
});
const put = createRoute({
  method: "put",
  path: "/v1/event-types/{type}",
  operationId: "putEventType",
  tags: ["event types"],
  summary: "Create or change an event type",
  description:
    "Creates the event type `type`, or changes it: the category recipients' preferences apply to, the template it renders with, its default priority, whether it is critical (sent whatever the preferences, without an unsubscribe link), and whether its event data is kept for the retention period or emptied once the email is sent (`retainContent`). Roles: editor, admin. Errors: 422 when the template does not exist or has no published version.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["editor", "admin"] })] as const,
  request: { params: Params, body: { content: { "application/json": { schema: PutEventTypeBody } }, required: true } },
  responses: { 200: { description: "Event type", content: { "application/json": { schema: EventTypeView } } }, ...errorResponses(400, 401, 403, 422) },
});

export const registerEventTypeRoutes = (app: App) => {
  app.openapi(list, async (c) => {
    const rows = await c
      .get("services")
      .db.select({
        key: eventTypes.key,
        category: eventTypes.category,
        template: templates.key,
        priority: eventTypes.priority,
        critical: eventTypes.critical,
        retainContent: eventTypes.retainContent,
      })
      .from(eventTypes)
      .innerJoin(templates, eq(templates.id, eventTypes.templateId))
      .where(eq(eventTypes.organizationId, c.get("caller").organizationId))
      .orderBy(asc(eventTypes.key));
    return c.json({ eventTypes: rows }, 200);
  });
  app.openapi(put, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const organizationId = caller.organizationId;
    const { type } = c.req.valid("param");
    const body = c.req.valid("json");
    const [template] = await db
      .select()
      .from(templates)
      .where(and(eq(templates.organizationId, organizationId), eq(templates.key, body.template)));
    if (!template) throw new ApiError("UNPROCESSABLE_ENTITY", `No template "${body.template}".`, [{ path: "template", message: "unknown template" }]);
    if (template.publishedVersion === null)
      throw new ApiError("UNPROCESSABLE_ENTITY", `Template "${body.template}" has no published version yet.`, [{ path: "template", message: "publish a version first" }]);
    const values = { category: body.category, templateId: template.id, priority: body.priority, critical: body.critical, retainContent: body.retainContent };
    await db
      .insert(eventTypes)
      .values({ organizationId, key: type, ...values })
      .onConflictDoUpdate({ target: [eventTypes.organizationId, eventTypes.key], set: { ...values, updatedAt: new Date() } });
    await recordApiChange(db, caller, { action: "event_type.upsert", targetType: "event_type", targetId: type, details: body });
    return c.json({ key: type, category: body.category, template: body.template, priority: body.priority, critical: body.critical, retainContent: body.retainContent }, 200);
  });
};
