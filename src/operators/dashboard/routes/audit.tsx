import { listAuditEntries } from "../../audit-list";
import type { App } from "../../../context";
import { auditActionNames } from "../audit-actions";
import { decodeCursor, encodeCursor } from "../../../platform/pagination/cursor";
import { AuditPage } from "../views/audit";
import { renderDashboard, renderMessage } from "./render";
import { AuditQuery } from "./schema";
import { requireSession } from "./session";

const PAGE_SIZE = 50;

/** `GET /dashboard/audit?action=…&cursor=…`: the audit log, newest first. */
export const registerAudit = (app: App) =>
  app.get("/dashboard/audit", requireSession(), async (c) => {
    const session = c.get("dashboard");
    const query = AuditQuery.safeParse(c.req.query());
    // An empty select value means every action.
    const action = query.success && query.data.action ? query.data.action : undefined;
    if (!query.success || (action !== undefined && !auditActionNames.includes(action))) {
      return renderMessage(c, "BAD_REQUEST", "Not a valid filter", "Choose an action from the list.", "audit");
    }
    const cursor = query.data.cursor;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after && !after.ok)
      return renderMessage(
        c,
        "BAD_REQUEST",
        "Not a valid page link",
        "This link's position in the log is not one the dashboard made; start again from the newest entries.",
        "audit",
      );
    const page = await listAuditEntries(c.get("services").db, session.organization.id, action ? { action } : {}, PAGE_SIZE, after?.value);
    return renderDashboard(
      c,
      <AuditPage
        nonce={c.get("cspNonce")}
        session={session.shell}
        entries={page.entries}
        actions={auditActionNames}
        {...(action ? { action } : {})}
        older={page.next ? encodeCursor(page.next) : null}
        paged={cursor !== undefined}
      />,
    );
  });
