import type { Context } from "hono";
import type { Caller, HonoEnv } from "../../../context";
import type { ApiKeyRole } from "../../../platform/auth/api-key";
import { createCsrfToken, verifyCsrfToken } from "../../../platform/http/csrf";
import { readForm } from "../../../platform/http/form";
import { refuse } from "../../../platform/http/page-refusal";
import type { DashboardSection } from "../views/layout";
import { DashboardMessage } from "../views/message";
import { readSessionCookie } from "./cookies";
import { renderDashboard } from "./render";

type Ctx = Context<HonoEnv>;

/** What every change form's CSRF token is bound to: the session's own token, under a purpose of its own. */
export const actionBinding = (sessionToken: string) => `dashboard-action.${sessionToken}`;

/** The CSRF token for this session's change forms; requireSession has run, so the keys and cookie exist. */
export async function actionCsrf(c: Ctx): Promise<string> {
  const keys = await c.get("services").keys.tokens();
  const token = readSessionCookie(c);
  if (!keys.ok || !token) throw new Error("actionCsrf needs a signed-in session");
  return createCsrfToken(keys.value, actionBinding(token));
}

/** The signed-in key as the API's handlers know their caller: audit rows name the same key either way. */
export const callerOf = (c: Ctx): Caller => {
  const s = c.get("dashboard");
  return { organizationId: s.organization.id, apiKeyId: s.apiKeyId, role: s.role };
};

export const mayAct = (role: ApiKeyRole, roles: readonly ApiKeyRole[]) => roles.includes(role);

const forbidden = (c: Ctx, current: DashboardSection, body: string) =>
  refuse(c, "FORBIDDEN", body, (status) =>
    renderDashboard(c, <DashboardMessage nonce={c.get("cspNonce")} session={c.get("dashboard").shell} current={current} title="Not allowed" body={body} />, status),
  );

export type Action = { caller: Caller; form: Record<string, string | string[]> };

/**
 * A change posted from a dashboard page, after requireSession: the key's role must be one the API
 * allows for the same change (else 403, whatever the form says), and the form must carry this
 * session's action token (else 403: another site's form, or a stale page). Either way nothing changes.
 */
export async function readAction(c: Ctx, roles: readonly ApiKeyRole[], current: DashboardSection): Promise<Action | Response> {
  const caller = callerOf(c);
  if (!mayAct(caller.role, roles)) return forbidden(c, current, `A ${caller.role} key cannot do this; it takes a key with the role ${roles.join(" or ")}.`);
  const keys = await c.get("services").keys.tokens();
  const token = readSessionCookie(c);
  const form = await readForm(c);
  const csrf = typeof form.csrf === "string" ? form.csrf : undefined;
  if (!keys.ok || !token || (await verifyCsrfToken(keys.value, actionBinding(token), csrf))) {
    return forbidden(c, current, "This form expired or came from another page, so nothing was changed. Open the page again and retry.");
  }
  return { caller, form };
}

/** One text field of a posted form; a repeated field is not one. */
export const field = (form: Record<string, string | string[]>, name: string): string | undefined => {
  const v = form[name];
  return typeof v === "string" ? v : undefined;
};
