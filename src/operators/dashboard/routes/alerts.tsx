import { z } from "zod";
import type { App } from "../../../context";
import { decodeCursor, encodeCursor } from "../../../platform/pagination/cursor";
import { listAlerts } from "../../alerts-list";
import { AlertsPage } from "../views/alerts";
import { renderDashboard, renderMessage } from "./render";
import { requireSession } from "./session";

const PAGE_SIZE = 50;
const AlertsQuery = z.object({ cursor: z.string().min(1).max(500).optional() });

/** `GET /dashboard/alerts?cursor=…`: every role that opens the dashboard reads them, as on GET /v1/alerts. */
export const registerAlerts = (app: App) =>
  app.get("/dashboard/alerts", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const query = AlertsQuery.safeParse(c.req.query());
    const cursor = query.success ? query.data.cursor : undefined;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (!query.success || (after && !after.ok)) return renderMessage(c, "BAD_REQUEST", "Not a valid page link", "Start again from the newest alerts.", "alerts");
    const page = await listAlerts(c.get("services").db, session.organization.id, {}, PAGE_SIZE, after?.value);
    return renderDashboard(
      c,
      <AlertsPage nonce={c.get("cspNonce")} session={session.shell} entries={page.entries} older={page.next ? encodeCursor(page.next) : null} paged={cursor !== undefined} />,
    );
  });
