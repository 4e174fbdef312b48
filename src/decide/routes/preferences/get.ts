import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { findRecipient } from "../../preferences/store";
import { RecipientParams } from "../../../platform/http/params";
import { RecipientPreferencesView } from "./schema";
import { buildRecipientView } from "./view";

const route = createRoute({
  method: "get",
  path: "/v1/recipients/{id}/preferences",
  operationId: "getRecipientPreferences",
  tags: ["preferences"],
  summary: "A recipient's effective preferences per category, and which come from their own choice",
  description:
    "What applies to one recipient (`id` is your id for them) in each category: enabled or not, immediate or digest and the digest's schedule, and for each setting whether it is their own choice, the organisation's default (or a locked category) or Tidings' own default; plus the global unsubscribe and text-only switches. Roles: viewer, editor, admin. Errors: 404 for an unknown recipient or another organisation's.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { params: RecipientParams },
  responses: {
    200: { description: "Preferences", content: { "application/json": { schema: RecipientPreferencesView } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const registerGetRecipientPreferences = (app: App) =>
  app.openapi(route, async (c) => {
    const { db } = c.get("services");
    const organizationId = c.get("caller").organizationId;
    const recipient = await findRecipient(db, organizationId, c.req.valid("param").id);
    if (!recipient) throw new ApiError("NOT_FOUND", `No recipient ${c.req.valid("param").id}.`);
    return c.json(await buildRecipientView(db, organizationId, recipient), 200);
  });
