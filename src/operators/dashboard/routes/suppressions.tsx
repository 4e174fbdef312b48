import type { App } from "../../../context";
import { listSuppressions } from "../../../followup/suppression-store";
import { SuppressionsPage } from "../views/suppressions";
import { renderDashboard, renderMessage } from "./render";
import { SuppressionsQuery } from "./schema";
import { requireSession } from "./session";

const PAGE_SIZE = 50;

/** `GET /dashboard/suppressions?after=…`: the suppression list, newest first. */
export const registerSuppressions = (app: App) =>
  app.get("/dashboard/suppressions", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const query = SuppressionsQuery.safeParse(c.req.query());
    if (!query.success) return renderMessage(c, "BAD_REQUEST", "Not a valid page link", "Start again from the newest suppressions.", "suppressions");
    const { after } = query.data;
    const services = c.get("services");
    const page = await listSuppressions(services.db, session.organization.id, { limit: PAGE_SIZE, sealing: await services.keys.sealing(), ...(after ? { after } : {}) });
    return renderDashboard(c, <SuppressionsPage nonce={c.get("cspNonce")} session={session.shell} entries={page.entries} next={page.next} paged={after !== undefined} />);
  });
