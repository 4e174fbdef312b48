import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { encodeCursor } from "../../../platform/pagination/cursor";
import { readCursor } from "../../../platform/pagination/query";
import { listAlerts } from "../../alerts-list";
import { AlertsPage, AlertsQuery } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/alerts",
  operationId: "listAlerts",
  tags: ["alerts"],
  summary: "The organisation's alerts, newest first: failed mail, provider settings refused, sending paused by the bounce guard",
  description: "One alert per condition per window (ALERT_WINDOW_SECONDS). Alerts about the deployment as a whole are the operator's and are not listed.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { query: AlertsQuery },
  responses: { 200: { description: "A page of alerts", content: { "application/json": { schema: AlertsPage } } }, ...errorResponses(400, 401, 403) },
});

export const registerAlertRoutes = (app: App) =>
  app.openapi(route, async (c) => {
    const { limit, cursor, kind } = c.req.valid("query");
    const page = await listAlerts(c.get("services").db, c.get("caller").organizationId, { kind }, limit, readCursor(cursor));
    const body: AlertsPage = {
      entries: page.entries.map((a) => ({ ...a, firedAt: a.firedAt.toISOString() })),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
    return c.json(body, 200);
  });
