import type { Context, MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../../context";
import { loadSignedIn, type SignedIn } from "../signed-in";
import { verifySessionToken } from "../session-token";
import type { ShellSession } from "../views/layout";
import { createCsrfToken } from "../../../platform/http/csrf";
import { clearSessionCookie, readSessionCookie } from "./cookies";
import { ApiError } from "../../../platform/errors";
import { wantsPage } from "../../../platform/http/page-refusal";

export type DashboardSession = SignedIn & { shell: ShellSession };

declare module "hono" {
  interface ContextVariableMap {
    /** The signed-in operator of a dashboard page, set by requireSession. */
    dashboard: DashboardSession;
  }
}

/** What the sign-out form's CSRF token is bound to: this session's own token, as a recipient form's is to its page's. */
export const logoutBinding = (sessionToken: string) => `dashboard-logout.${sessionToken}`;
export const loginBinding = (nonce: string) => `dashboard-login.${nonce}`;

/** A browser goes to the sign-in page; any other client is told 401 in the envelope, not redirected. */
export const toLogin = (c: Context<HonoEnv>) => {
  if (!wantsPage(c)) throw new ApiError("UNAUTHORIZED", "Sign in at /dashboard/login: the dashboard's session cookie is missing, expired or revoked.");
  return c.redirect("/dashboard/login", 303);
};

/**
 * A valid, unexpired session cookie whose key is still unrevoked, or a 303 to the sign-in page (and
 * the cookie cleared). Without TOKEN_SIGNING_KEYS no session can exist: the sign-in page says why.
 */
export const requireSession = (): MiddlewareHandler<HonoEnv> =>
  async function requireSession(c, next) {
    const keys = await c.get("services").keys.tokens();
    const token = readSessionCookie(c);
    if (!keys.ok || !token) return toLogin(c);
    const claims = await verifySessionToken(keys.value, token);
    const signedIn = claims.ok ? await loadSignedIn(c.get("services").db, claims.value, c.get("services").clock.now()) : undefined;
    if (!signedIn) {
      clearSessionCookie(c);
      return toLogin(c);
    }
    const logoutCsrf = await createCsrfToken(keys.value, logoutBinding(token));
    c.set("dashboard", { ...signedIn, shell: { organizationName: signedIn.organization.name, role: signedIn.role, logoutCsrf } });
    await next();
  };
