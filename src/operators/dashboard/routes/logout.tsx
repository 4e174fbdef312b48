import type { App } from "../../../context";
import { DashboardMessage } from "../views/message";
import { verifyCsrfToken } from "../../../platform/http/csrf";
import { readForm } from "../../../platform/http/form";
import { refuse } from "../../../platform/http/page-refusal";
import { clearSessionCookie, readSessionCookie } from "./cookies";
import { renderDashboard } from "./render";
import { logoutBinding, toLogin } from "./session";

/**
 * `POST /dashboard/logout`: clears the session cookie. CSRF-protected, so another site cannot sign
 * an operator out. The token is stateless: a copy taken before sign-out lasts until it expires,
 * unless the key is revoked, which every request checks.
 */
export const registerLogout = (app: App) =>
  app.post("/dashboard/logout", async (c) => {
    const keys = await c.get("services").keys.tokens();
    const token = readSessionCookie(c);
    if (!keys.ok || !token) return toLogin(c);
    const form = await readForm(c);
    const csrf = typeof form.csrf === "string" ? form.csrf : undefined;
    if (await verifyCsrfToken(keys.value, logoutBinding(token), csrf)) {
      const body = "This sign-out form expired or came from another page, so you are still signed in. Sign out from the dashboard's own button.";
      return refuse(c, "FORBIDDEN", body, (status) =>
        renderDashboard(c, <DashboardMessage nonce={c.get("cspNonce")} title="Not signed out" body={body} link={{ href: "/dashboard", text: "Back to the dashboard" }} />, status),
      );
    }
    clearSessionCookie(c);
    return c.redirect("/dashboard/login", 303);
  });
