import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { isReportZone, resolveRange } from "../../analytics/range";
import { loadAnalytics, type ReportRow } from "../../analytics/report";
import type { App } from "../../../context";
import { organizations } from "../../../platform/db/schema";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import type { Database } from "../../../platform/db/client";
import { Analytics, AnalyticsQuery, type AnalyticsRow } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/analytics",
  operationId: "getAnalytics",
  tags: ["analytics"],
  summary: "Sends, provider events, outcomes and latency per local day, per provider or per event type",
  description:
    "Delivery figures per local day, per provider, both, or per event type, over a range of at most 92 days (default the last 7) in the organisation's time zone or the one given: emails sent, delivered, bounced, complained, opened and clicked (each email counted once), failed, suppressed, skipped, batched and cancelled notifications, digests sent, and p50/p95 latency from the event's arrival to the provider accepting the email. Roles: viewer, editor, admin. Errors: 400 for a bad date, range, grouping or time zone.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  request: { query: AnalyticsQuery },
  responses: { 200: { description: "Delivery figures over the range", content: { "application/json": { schema: Analytics } } }, ...errorResponses(400, 401, 403) },
});

export const registerAnalyticsRoutes = (app: App) =>
  app.openapi(route, async (c) => {
    const { from, to, groupBy, timezone } = c.req.valid("query");
    const { db } = c.get("services");
    const organizationId = c.get("caller").organizationId;
    const timeZone = timezone ?? (await organizationTimeZone(db, organizationId));
    const range = resolveRange({ from, to }, timeZone, Date.now());
    if (!range.ok) throw new ApiError("BAD_REQUEST", "The request is not valid; see fields.", [range.error]);
    const report = await loadAnalytics(db, { organizationId, timeZone, groupBy, ...range.value });
    const parts = groupBy.split(",");
    const shape = ({ day, provider, eventType, ...figures }: ReportRow): AnalyticsRow => ({
      ...(parts.includes("day") ? { day: day ?? "" } : {}),
      ...(parts.includes("provider") ? { provider } : {}),
      ...(parts.includes("eventType") ? { eventType } : {}),
      ...figures,
    });
    const body: Analytics = {
      from: range.value.from.toISOString(),
      to: range.value.to.toISOString(),
      timezone: timeZone,
      groupBy,
      rows: report.rows.map(shape),
      totals: report.totals,
    };
    return c.json(body, 200);
  });

async function organizationTimeZone(db: Database, organizationId: string): Promise<string> {
  const [row] = await db.select({ timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, organizationId));
  // A stored zone this runtime or PostgreSQL would misread must not make the report unreadable.
  return row && isReportZone(row.timezone) ? row.timezone : "UTC";
}
