import type { App } from "../../../context";
import { loadOverview } from "../overview";
import { OverviewPage } from "../views/overview";
import { renderDashboard } from "./render";
import { requireSession } from "./session";

/** `GET /dashboard`: sending state, the last seven days, provider health. */
export const registerOverview = (app: App) =>
  app.get("/dashboard", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const overview = await loadOverview(c.get("services"), session.organization.id, session.organization.timeZone, Date.now());
    return renderDashboard(c, <OverviewPage nonce={c.get("cspNonce")} session={session.shell} overview={overview} />);
  });
