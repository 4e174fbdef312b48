import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { listRecipientHistory } from "../../notifications/history";
import { lastEventsOf } from "../../notifications/provider-events";
import { encodeCursor } from "../../../platform/pagination/cursor";
import { findRecipient } from "../../../decide/preferences/store";
import { readCursor } from "../../../platform/pagination/query";
import { RecipientParams } from "../../../platform/http/params";
import { RecipientHistoryPage, RecipientHistoryQuery } from "./schema";
import { iso } from "./view";

const route = createRoute({
  method: "get",
  path: "/v1/recipients/{id}/notifications",
  operationId: "listRecipientNotifications",
  tags: ["notifications"],
  summary: "A recipient's notifications, newest first, each with its latest provider event",
  description:
    "One recipient's notifications (`id` is your id for them), newest first, with the provider's newest event about each email. Pages with `limit` (1–100) and the previous page's `nextCursor`; filters by `status` and event `type`. Roles: viewer, editor, admin. Errors: 400 for a bad filter or a cursor this API did not hand out; 404 for an unknown recipient or another organisation's.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { params: RecipientParams, query: RecipientHistoryQuery },
  responses: {
    200: { description: "A page of the recipient's notifications", content: { "application/json": { schema: RecipientHistoryPage } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const registerRecipientHistory = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor, ...filters } = c.req.valid("query");
    const after = readCursor(cursor);
    const { db } = c.get("services");
    const organizationId = c.get("caller").organizationId;
    const recipient = await findRecipient(db, organizationId, id);
    if (!recipient) throw new ApiError("NOT_FOUND", `No recipient ${id}.`);
    const page = await listRecipientHistory(db, organizationId, recipient.id, filters, limit, after);
    const lastEvents = await lastEventsOf(
      db,
      organizationId,
      page.entries.map((e) => e.id),
    );
    const body: RecipientHistoryPage = {
      recipientId: recipient.externalId,
      entries: page.entries.map((n) => {
        const last = lastEvents.get(n.id);
        return {
          id: n.id,
          eventId: n.eventId,
          type: n.type,
          status: n.status,
          priority: n.priority,
          createdAt: n.createdAt.toISOString(),
          sentAt: iso(n.sentAt),
          failedAt: iso(n.failedAt),
          failureReason: n.failureReason,
          decisionRule: n.decisionRule,
          digestId: n.digestId,
          provider: n.provider,
          providerMessageId: n.providerMessageId,
          lastEvent: last ? { type: last.type, at: last.at.toISOString() } : null,
        };
      }),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
    return c.json(body, 200);
  });
