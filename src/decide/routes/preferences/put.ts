import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { recordApiChange } from "../../../platform/audit/record";
import { requireApiKey } from "../../../platform/http/auth";
import { endsDigest, flushWindows } from "../../../digest/flush";
import { invalidateRecipientPreferences } from "../../preferences/load";
import { effectiveCategory } from "../../preferences/resolve";
import { findRecipient, listCategories, listDefaults, loadPreferencesFromDb, mergeRecipientChoices } from "../../preferences/store";
import { RecipientParams } from "../../../platform/http/params";
import { PutRecipientPreferencesBody, RecipientPreferencesView } from "./schema";
import { buildRecipientView } from "./view";

const route = createRoute({
  method: "put",
  path: "/v1/recipients/{id}/preferences",
  operationId: "updateRecipientPreferences",
  tags: ["preferences"],
  summary: "Change some of a recipient's preferences (partial: what is not given stays as it is)",
  description:
    "Sets the recipient's own choices per category (`null` clears one, so the default applies again), the global unsubscribe and text-only switches. Switching a category from digest to immediate (or to another schedule) sends what is pending in its digest now. Each change is in the audit log. Roles: editor, admin. Errors: 404 for an unknown recipient or another organisation's; 409 when a category is locked by the organisation; 422 for a category no event type uses.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["editor", "admin"] })] as const,
  request: { params: RecipientParams, body: { content: { "application/json": { schema: PutRecipientPreferencesBody } }, required: true } },
  responses: {
    200: { description: "Preferences after the change", content: { "application/json": { schema: RecipientPreferencesView } } },
    ...errorResponses(400, 401, 403, 404, 409, 422),
  },
});

export const registerPutRecipientPreferences = (app: App) =>
  app.openapi(route, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const organizationId = caller.organizationId;
    const externalId = c.req.valid("param").id;
    const body = c.req.valid("json");
    const recipient = await findRecipient(db, organizationId, externalId);
    if (!recipient) throw new ApiError("NOT_FOUND", `No recipient ${externalId}.`);

    const patches = body.categories ?? {};
    const [known, defaults] = await Promise.all([listCategories(db, organizationId), listDefaults(db, organizationId)]);
    const unknown = Object.keys(patches).filter((category) => !known.includes(category));
    if (unknown.length) {
      throw new ApiError(
        "UNPROCESSABLE_ENTITY",
        `No event type of this organisation has the category ${unknown.join(", ")}.`,
        unknown.map((category) => ({ path: `categories.${category}`, message: "unknown category" })),
      );
    }
    const locked = Object.keys(patches).filter((category) => defaults.some((d) => d.category === category && d.locked));
    if (locked.length) {
      throw new ApiError(
        "CONFLICT",
        `The organisation locked ${locked.join(", ")}: recipients cannot change it.`,
        locked.map((category) => ({ path: `categories.${category}`, message: "locked by the organisation" })),
      );
    }

    const ref = { organizationId, recipientId: recipient.id };
    const before = (await loadPreferencesFromDb(db, [recipient.id])).get(recipient.id);
    await mergeRecipientChoices(db, organizationId, recipient.id, patches, { unsubscribedAll: body.unsubscribedAll, textOnly: body.textOnly });
    await recordApiChange(db, caller, { action: "recipient.preferences_update", targetType: "recipient", targetId: recipient.id, details: body });
    await invalidateRecipientPreferences(c.get("services"), ref);

    const after = (await loadPreferencesFromDb(db, [recipient.id])).get(recipient.id);
    if (before && after && !after.unsubscribedAll) {
      const ending = Object.keys(patches).filter((category) => endsDigest(effectiveCategory(before, category), effectiveCategory(after, category)));
      await flushWindows(
        c.get("services"),
        ending.map((category) => ({ ...ref, category })),
      );
    }
    const updated = (await findRecipient(db, organizationId, externalId)) ?? recipient;
    return c.json(await buildRecipientView(db, organizationId, updated), 200);
  });
