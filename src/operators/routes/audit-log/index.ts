import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../../platform/errors";
import { listAuditEntries } from "../../audit-list";
import type { App } from "../../../context";
import { requireApiKey } from "../../../platform/http/auth";
import { encodeCursor } from "../../../platform/pagination/cursor";
import { readCursor } from "../../../platform/pagination/query";
import { AuditLogPage, AuditLogQuery } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/audit-log",
  operationId: "listAuditLog",
  tags: ["audit log"],
  summary: "Who changed what and when in the organisation, newest first",
  description:
    "Every change made through the API, by the bounce-rate guard and by recipients on their pages, newest first: who (API key, recipient or system), what (`action`), to what (`target`), through what (`via`) and the details, with secrets left out. Pages with `limit` (1–200) and the previous page's `nextCursor`; filters by action, target and actor type. Roles: viewer, editor, admin. Errors: 400 for a bad filter or a cursor this API did not hand out.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { query: AuditLogQuery },
  responses: { 200: { description: "A page of the audit log", content: { "application/json": { schema: AuditLogPage } } }, ...errorResponses(400, 401, 403) },
});

export const registerAuditLogRoutes = (app: App) =>
  app.openapi(route, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid("query");
    const page = await listAuditEntries(c.get("services").db, c.get("caller").organizationId, filters, limit, readCursor(cursor));
    const body: AuditLogPage = {
      entries: page.entries.map((e) => ({
        id: e.id,
        at: e.createdAt.toISOString(),
        actor: { type: e.actorType, id: e.actorId },
        action: e.action,
        target: { type: e.targetType, id: e.targetId },
        via: e.via,
        details: e.details,
      })),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
    return c.json(body, 200);
  });
