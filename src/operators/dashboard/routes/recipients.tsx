import type { App } from "../../../context";
import { loadRecipientHistory } from "../recipient-history";
import { decodeCursor } from "../../../platform/pagination/cursor";
import { RecipientsPage } from "../views/recipients";
import { renderDashboard, renderMessage } from "./render";
import { RecipientsQuery } from "./schema";
import { requireSession } from "./session";
import { refuse } from "../../../platform/http/page-refusal";

/** `GET /dashboard/recipients?id=…&cursor=…`: the search form and, with an id, that recipient's notifications. */
export const registerRecipients = (app: App) =>
  app.get("/dashboard/recipients", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const query = RecipientsQuery.safeParse(c.req.query());
    if (!query.success) return renderMessage(c, "BAD_REQUEST", "Not a valid search", "A recipient id is at most 200 characters.", "recipients");
    const { id, cursor } = query.data;
    const page = { nonce: c.get("cspNonce"), session: session.shell, paged: cursor !== undefined };
    if (!id) return renderDashboard(c, <RecipientsPage {...page} />);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after && !after.ok)
      return renderMessage(
        c,
        "BAD_REQUEST",
        "Not a valid page link",
        "This link's position in the list is not one the dashboard made; start again from the newest notifications.",
        "recipients",
      );
    const history = await loadRecipientHistory(c.get("services").db, session.organization.id, id, after?.value);
    if (!history.ok)
      return refuse(c, "NOT_FOUND", `${session.organization.name} has no recipient with this id.`, (status) =>
        renderDashboard(c, <RecipientsPage {...page} query={id} history="not_found" />, status),
      );
    return renderDashboard(c, <RecipientsPage {...page} query={id} history={history.value} />);
  });
