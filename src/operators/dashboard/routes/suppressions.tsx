import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { removeAudited, SUPPRESSION_EDITORS, SUPPRESSION_FORCERS } from "../../../followup/suppression-remove";
import { listSuppressions } from "../../../followup/suppression-store";
import { hashesUnderEvery } from "../../../platform/crypto/email-hash";
import { ApiError } from "../../../platform/errors";
import { SuppressionsPage, type SuppressionsPageProps } from "../views/suppressions";
import { actionCsrf, mayAct, readAction } from "./actions";
import { firstIssue, RemoveSuppressionForm, SuppressionSearch } from "./ops-schema";
import { renderMessage } from "./render";
import { requireSession } from "./session";

const PAGE_SIZE = 50;
type Ctx = Context<HonoEnv>;
type Status = 200 | 400 | 403 | 404 | 409;
type Search = { after?: string; email?: string };

async function hashKeys(c: Ctx) {
  const keys = await c.get("services").keys.emailHashes();
  if (!keys) throw new ApiError("INTERNAL_SERVER_ERROR", "This deployment has neither EMAIL_HASH_KEY nor SECRETS_KEY, so it cannot hash addresses.");
  return keys;
}

/** The list (a page of it, or one address's entry), with remove forms for a role the API lets remove. */
async function renderSuppressions(c: Ctx, search: Search, extra: Pick<SuppressionsPageProps, "notice" | "error"> = {}, status: Status = 200) {
  const session = c.get("dashboard");
  const services = c.get("services");
  const emailHashes = search.email ? (await hashesUnderEvery(await hashKeys(c), search.email)).map((h) => h.hash) : undefined;
  const page = await listSuppressions(services.db, session.organization.id, {
    limit: PAGE_SIZE,
    sealing: await services.keys.sealing(),
    ...(search.after ? { after: search.after } : {}),
    ...(emailHashes ? { emailHashes } : {}),
  });
  const remove = mayAct(session.role, SUPPRESSION_EDITORS) ? { csrf: await actionCsrf(c), force: mayAct(session.role, SUPPRESSION_FORCERS) } : undefined;
  const props: SuppressionsPageProps = {
    nonce: c.get("cspNonce"),
    session: session.shell,
    entries: page.entries,
    next: search.email ? null : page.next,
    paged: search.after !== undefined,
    ...(search.email ? { email: search.email } : {}),
    ...(remove ? { remove } : {}),
    ...extra,
  };
  return c.html(`<!doctype html>${await (<SuppressionsPage {...props} />).toString()}`, status);
}

/** `/dashboard/suppressions`: the list newest first, a search by address, and removal with the API's rules. */
export const registerSuppressions = (app: App) => {
  app.get("/dashboard/suppressions", requireSession(), async (c) => {
    const query = SuppressionSearch.safeParse({ ...c.req.query(), email: c.req.query("email")?.trim() || undefined });
    if (!query.success) {
      if (c.req.query("email")) return renderSuppressions(c, {}, { error: "Not searched: that is not an email address." }, 400);
      return renderMessage(c, "BAD_REQUEST", "Not a valid page link", "Start again from the newest suppressions.", "suppressions");
    }
    const { after, email } = query.data;
    return renderSuppressions(c, { ...(after ? { after } : {}), ...(email ? { email } : {}) });
  });

  app.post("/dashboard/suppressions/remove", requireSession(), async (c) => {
    const action = await readAction(c, SUPPRESSION_EDITORS, "suppressions");
    if (action instanceof Response) return action;
    const form = RemoveSuppressionForm.safeParse(action.form);
    if (!form.success) return renderSuppressions(c, {}, { error: `Not removed: ${firstIssue(form.error)}.` }, 400);
    const { email, force } = form.data;
    const removed = await removeAudited(c.get("services").db, await hashKeys(c), action.caller, email, force === "true");
    if (!removed.ok) {
      const status = removed.error.code === "FORBIDDEN" ? 403 : removed.error.code === "NOT_FOUND" ? 404 : 409;
      return renderSuppressions(c, { email }, { error: `Not removed: ${removed.error.message}` }, status);
    }
    return renderSuppressions(c, {}, { notice: `${email} is no longer suppressed: it is mailed again from now on.` });
  });
};
