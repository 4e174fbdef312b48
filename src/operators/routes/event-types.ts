import { createRoute, z } from "@hono/zod-openapi";
import { recordApiChange } from "../../platform/audit/record";
import type { App } from "../../context";
import { ApiError, errorResponses } from "../../platform/errors";
import { requireApiKey } from "../../platform/http/auth";
import { EVENT_TYPE_KEY, type EventTypeRefusal, EventTypeView, listEventTypes, PutEventTypeBody, upsertEventType } from "../event-type-store";

const Params = z.object({
  type: z
    .string()
    .regex(EVENT_TYPE_KEY)
    .openapi({ param: { name: "type", in: "path" } }),
});

const list = createRoute({
  method: "get",
  path: "/v1/event-types",
  operationId: "listEventTypes",
  tags: ["event types"],
  summary: "The organisation's event types",
  description:
    "The event types POST /v1/events accepts, with each one's preference category, template, priority, whether it is critical, and its active notification rules. Roles: viewer, editor, admin.",
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
    "Creates the event type `type`, or changes it: the category recipients' preferences apply to, the template it renders with, its default priority, whether it is critical (sent whatever the preferences, without an unsubscribe link), whether its event data is kept for the retention period or emptied once the email is sent (`retainContent`), and optionally its notification rules: each names a template, category, priority, critical flag, throttle and a condition over `data` and `recipient` (role and attributes), and an event creates one notification per matching rule and recipient. `rules` replaces the current set in one transaction (a kept key is updated, a missing one archived); left out, the rules stay; `[]` makes the event type its own single rule again. Roles: editor, admin. Errors: 422 when a template does not exist or has no published version, or a condition is not valid (the field path names the rule, e.g. rules.1.condition); nothing is saved then.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["editor", "admin"] })] as const,
  request: { params: Params, body: { content: { "application/json": { schema: PutEventTypeBody } }, required: true } },
  responses: { 200: { description: "Event type", content: { "application/json": { schema: EventTypeView } } }, ...errorResponses(400, 401, 403, 422) },
});

export const registerEventTypeRoutes = (app: App) => {
  app.openapi(list, async (c) => c.json({ eventTypes: await listEventTypes(c.get("services").db, c.get("caller").organizationId) }, 200));
  app.openapi(put, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const { type } = c.req.valid("param");
    const body = c.req.valid("json");
    const saved = await upsertEventType(db, caller.organizationId, type, body);
    if (!saved.ok) throw refusalError(saved.error);
    const { archivedRules } = saved.value;
    await recordApiChange(db, caller, { action: "event_type.upsert", targetType: "event_type", targetId: type, details: { ...body, ...(body.rules ? { archivedRules } : {}) } });
    return c.json(saved.value.eventType, 200);
  });
};

function refusalError(refusal: EventTypeRefusal): ApiError {
  const { path } = refusal;
  switch (refusal.code) {
    case "unknown_template":
      return new ApiError("UNPROCESSABLE_ENTITY", `No template "${refusal.template}".`, [{ path, message: "unknown template" }]);
    case "unpublished_template":
      return new ApiError("UNPROCESSABLE_ENTITY", `Template "${refusal.template}" has no published version yet.`, [{ path, message: "publish a version first" }]);
    case "invalid_condition":
      return new ApiError("UNPROCESSABLE_ENTITY", `The condition of rule "${refusal.rule}" is not valid: ${refusal.message} (column ${refusal.column}).`, [
        { path, message: `column ${refusal.column}: ${refusal.message}` },
      ]);
  }
}
