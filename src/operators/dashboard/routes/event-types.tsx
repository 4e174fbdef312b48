import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { recordDashboardChange } from "../../../platform/audit/record";
import { listTemplates } from "../../../render/template-store";
import { EVENT_TYPE_KEY, listEventTypes, PutEventTypeBody, upsertEventType } from "../../event-type-store";
import { EventTypesPage } from "../views/event-types";
import { canChange, changeCsrf, readChangeForm } from "./change-guard";
import { renderDashboard } from "./render";
import { requireSession } from "./session";

type Ctx = Context<HonoEnv>;

const REFUSALS = {
  unknown_template: "No such template.",
  unpublished_template: "That template has no published version yet: publish one first.",
  // The form carries no rules (they are kept as they are), so this one comes only from the API's own saves.
  invalid_condition: "A rule's condition is not valid.",
} as const;

async function renderEventTypes(c: Ctx, extra: { notice?: string; refusal?: { key: string; message: string } } = {}, status: 200 | 400 = 200) {
  const session = c.get("dashboard");
  const { db } = c.get("services");
  const [eventTypes, templates] = await Promise.all([listEventTypes(db, session.organization.id), listTemplates(db, session.organization.id)]);
  const refusal = extra.refusal && !eventTypes.some((e) => e.key === extra.refusal?.key) ? { ...extra.refusal, key: "" } : extra.refusal;
  return renderDashboard(
    c,
    <EventTypesPage
      nonce={c.get("cspNonce")}
      session={session.shell}
      eventTypes={eventTypes}
      templates={templates.filter((t) => t.publishedVersion !== null).map((t) => t.key)}
      csrf={canChange(session.role) ? await changeCsrf(c) : undefined}
      notice={extra.notice}
      refusal={refusal}
    />,
    status,
  );
}

/** `GET /dashboard/event-types`, and `POST /dashboard/event-types`: create or change one, as PUT /v1/event-types/:type does. */
export const registerEventTypes = (app: App) => {
  app.get("/dashboard/event-types", requireSession(), async (c) => {
    const saved = c.req.query("saved");
    return renderEventTypes(c, saved && EVENT_TYPE_KEY.test(saved) ? { notice: `Saved ${saved}.` } : {});
  });
  app.post("/dashboard/event-types", requireSession(), async (c) => {
    const guarded = await readChangeForm(c, "event-types");
    if (!guarded.ok) return guarded.response;
    const form = guarded.form;
    const text = (name: string) => (typeof form[name] === "string" ? form[name].trim() : "");
    const key = text("key");
    if (!EVENT_TYPE_KEY.test(key)) return renderEventTypes(c, { refusal: { key: "", message: "An event type is lower-case letters, digits and . _ - (e.g. invoice.paid)." } }, 400);
    const body = PutEventTypeBody.safeParse({
      category: text("category"),
      template: text("template"),
      priority: text("priority") || "normal",
      critical: form.critical === "on",
      retainContent: form.retainContent === "on",
    });
    if (!body.success) {
      const message = body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      return renderEventTypes(c, { refusal: { key, message } }, 400);
    }
    const session = c.get("dashboard");
    const { db } = c.get("services");
    const saved = await upsertEventType(db, session.organization.id, key, body.data);
    if (!saved.ok) return renderEventTypes(c, { refusal: { key, message: REFUSALS[saved.error.code] } }, 400);
    await recordDashboardChange(
      db,
      { organizationId: session.organization.id, apiKeyId: session.apiKeyId },
      {
        action: "event_type.upsert",
        targetType: "event_type",
        targetId: key,
        details: body.data,
      },
    );
    return c.redirect(`/dashboard/event-types?saved=${encodeURIComponent(key)}`, 303);
  });
};
