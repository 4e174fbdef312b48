import type { Context } from "hono";
import type { HonoEnv } from "../../../context";
import type { ApiKeyRole } from "../../../platform/auth/api-key";
import { createCsrfToken, verifyCsrfToken } from "../../../platform/http/csrf";
import { readForm } from "../../../platform/http/form";
import { refuse } from "../../../platform/http/page-refusal";
import type { DashboardSection } from "../views/layout";
import { DashboardMessage } from "../views/message";
import { readSessionCookie } from "./cookies";
import { renderDashboard } from "./render";

type Ctx = Context<HonoEnv>;

/** Who may change templates and event types from the dashboard, as on the API; viewers only read. */
export const canChange = (role: ApiKeyRole) => role === "editor" || role === "admin";

/** What a change form's CSRF token is bound to: this session's own token, as the sign-out form's is. */
export const changeBinding = (sessionToken: string) => `dashboard-change.${sessionToken}`;

/** A CSRF token for this session's change forms; requireSession ran, so the keys and cookie exist. */
export async function changeCsrf(c: Ctx): Promise<string> {
  const keys = await c.get("services").keys.tokens();
  if (!keys.ok) throw new Error("TOKEN_SIGNING_KEYS vanished within a request");
  return createCsrfToken(keys.value, changeBinding(readSessionCookie(c) ?? ""));
}

const refuseChange = (c: Ctx, body: string, current: DashboardSection) =>
  refuse(c, "FORBIDDEN", body, (status) =>
    renderDashboard(c, <DashboardMessage nonce={c.get("cspNonce")} session={c.get("dashboard").shell} current={current} title="Not changed" body={body} />, status),
  );

/**
 * The posted form of a change, or a 403 refusal: the form must carry this session's CSRF token
 * (another site's form cannot change templates) and the key must be an editor's or admin's.
 */
export async function readChangeForm(c: Ctx, current: DashboardSection): Promise<{ ok: true; form: Record<string, string | string[]> } | { ok: false; response: Response }> {
  const keys = await c.get("services").keys.tokens();
  const token = readSessionCookie(c);
  const form = await readForm(c);
  const csrf = typeof form.csrf === "string" ? form.csrf : undefined;
  if (!keys.ok || !token || (await verifyCsrfToken(keys.value, changeBinding(token), csrf))) {
    return { ok: false, response: await refuseChange(c, "This form expired or came from another page, so nothing was changed. Reload the page and try again.", current) };
  }
  const role = c.get("dashboard").role;
  if (!canChange(role)) return { ok: false, response: await refuseChange(c, `A ${role} key only reads: sign in with an editor or admin key to make changes.`, current) };
  return { ok: true, form };
}
