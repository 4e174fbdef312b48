import type { App } from "../../../context";
import { loadAnalyticsView } from "../analytics/load";
import { pageRange } from "../analytics/range";
import { AnalyticsPage } from "../views/analytics";
import { renderDashboard } from "./render";
import { requireSession } from "./session";

/** `GET /dashboard/analytics?days=7|30|90` or `?from=YYYY-MM-DD&to=YYYY-MM-DD`: charts and tables of a range. */
export const registerAnalytics = (app: App) =>
  app.get("/dashboard/analytics", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const { id, timeZone } = session.organization;
    const now = Date.now();
    const asked = pageRange(c.req.query(), timeZone, now);
    // A range the API would refuse shows the default one, with the reason, rather than an empty page.
    const range = asked.ok ? asked : pageRange({ days: "7" }, timeZone, now);
    if (!range.ok) throw new Error(`the default range was refused: ${range.error.message}`);
    const view = await loadAnalyticsView(c.get("services"), id, timeZone, range.value);
    const error = asked.ok ? undefined : `That range cannot be shown: ${asked.error.path} ${asked.error.message}. These are the last 7 days.`;
    return renderDashboard(c, <AnalyticsPage nonce={c.get("cspNonce")} session={session.shell} view={view} {...(error ? { error } : {})} />, asked.ok ? 200 : 400);
  });
