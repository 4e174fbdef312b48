import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { loadSendingState, resumeAudited, SENDING_RESUMERS } from "../../../followup/sending-state";
import { SendingPage } from "../views/sending";
import { actionCsrf, mayAct, readAction } from "./actions";
import { renderDashboard } from "./render";
import { requireSession } from "./session";

async function renderSending(c: Context<HonoEnv>, notice?: string) {
  const session = c.get("dashboard");
  const state = await loadSendingState(c.get("services"), session.organization.id);
  if (!state) throw new Error("the signed-in organisation has no row");
  const csrf = mayAct(session.role, SENDING_RESUMERS) ? await actionCsrf(c) : undefined;
  return renderDashboard(c, <SendingPage nonce={c.get("cspNonce")} session={session.shell} state={state} {...(csrf ? { csrf } : {})} {...(notice ? { notice } : {})} />);
}

/** `/dashboard/sending`: GET /v1/sending as a page, and POST /v1/sending/resume as its button. */
export const registerSending = (app: App) => {
  app.get("/dashboard/sending", requireSession(), (c) => renderSending(c));
  app.post("/dashboard/sending/resume", requireSession(), async (c) => {
    const action = await readAction(c, SENDING_RESUMERS, "sending");
    if (action instanceof Response) return action;
    const report = await resumeAudited(c.get("services"), action.caller);
    const notice = `${report.wasPaused ? "Sending resumed" : "Sending was not paused"}; ${report.requeued} held ${report.requeued === 1 ? "email is" : "emails are"} on the way.`;
    return renderSending(c, notice);
  });
};
