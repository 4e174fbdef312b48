import { createRoute, type z } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { RecipientParams } from "../../../platform/http/params";
import { eraseRecipient } from "../../recipients/erase";
import { exportRecipient } from "../../recipients/export";
import { ErasureReport, RecipientExport } from "../../recipients/schema";

// Erasing and exporting a person's data is the organisation's decision as a data controller: admin keys only.
const admins = requireApiKey({ roles: ["admin"] });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const erase = createRoute({
  method: "delete",
  path: "/v1/recipients/{id}",
  operationId: "eraseRecipient",
  tags: ["recipients"],
  summary: "Erase a recipient: their address, name, preferences, waiting mail and the event data that was theirs alone",
  description:
    "Erases the recipient (`id` is your id for them). Mail still waiting (pending, scheduled, queued, paused, or batched into an open digest window) ends `skipped` with decisionRule `recipient_erased` and is never sent; their open and queued digests end `skipped`; their preferences are deleted; events sent to them alone have their data emptied (`contentPurgedAt` set), events with other recipients keep theirs; provider event details about their emails are emptied, and the address is taken out of provider errors, failure reasons and alerts. Kept, without personal data: the rows of past notifications and digests (statuses, timestamps, counts) and the suppression list's keyed hash of the address, so an address that bounced or complained is never mailed again. Idempotent: erasing again answers 200 with what the first erase did; an id that never existed is a 404. A new event with the same id afterwards creates a new recipient. Written to the audit log as `recipient.erase`, counts only. Roles: admin. Errors: 404 for an id this organisation never had.",
  security: [{ bearer: [] }],
  middleware: [admins] as const,
  request: { params: RecipientParams },
  responses: { 200: json(ErasureReport, "What the erase did (the first erase's counts on a repeat)"), ...errorResponses(401, 403, 404) },
});

const exportRoute = createRoute({
  method: "get",
  path: "/v1/recipients/{id}/export",
  operationId: "exportRecipient",
  tags: ["recipients"],
  summary: "Everything Tidings holds on a recipient, as JSON",
  description:
    "The recipient's row (address, name, locale, time zone, unsubscribe and text-only switches), their own preferences, the suppression state of their address, every notification with its status, its event's data, provider attempts and provider events, and every digest they were sent, oldest first. Each export is written to the audit log as `recipient.export` (counts only, never the data). Roles: admin. Errors: 404 for an unknown recipient, or one already erased (nothing is held on them any more).",
  security: [{ bearer: [] }],
  middleware: [admins] as const,
  request: { params: RecipientParams },
  responses: { 200: json(RecipientExport, "The recipient's data"), ...errorResponses(401, 403, 404) },
});

export const registerRecipientRoutes = (app: App) => {
  app.openapi(erase, async (c) => {
    const result = await eraseRecipient(c.get("services"), c.get("caller"), c.req.valid("param").id);
    if (!result.ok) throw new ApiError(result.error.code, result.error.message);
    return c.json(result.value, 200);
  });
  app.openapi(exportRoute, async (c) => {
    const result = await exportRecipient(c.get("services"), c.get("caller"), c.req.valid("param").id);
    if (!result.ok) throw new ApiError(result.error.code, result.error.message);
    return c.json(result.value, 200);
  });
};
