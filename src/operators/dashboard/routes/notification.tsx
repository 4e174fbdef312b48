import type { App } from "../../../context";
import { loadNotificationDetail } from "../../notifications/detail";
import { NotificationPage } from "../views/notification";
import { renderDashboard, renderMessage } from "./render";
import { NotificationParams } from "./schema";
import { requireSession } from "./session";

/** `GET /dashboard/notifications/:id`: one notification with its digest, attempts and provider events. */
export const registerNotification = (app: App) =>
  app.get("/dashboard/notifications/:id", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const params = NotificationParams.safeParse(c.req.param());
    const detail = params.success ? await loadNotificationDetail(c.get("services").db, session.organization.id, params.data.id) : undefined;
    // Another organisation's notification reads exactly like a missing one.
    if (!detail) return renderMessage(c, "NOT_FOUND", "No such notification", `${session.organization.name} has no notification with this id.`, "recipients");
    return renderDashboard(c, <NotificationPage nonce={c.get("cspNonce")} session={session.shell} detail={detail} />);
  });
