import { type KeyRefusal, verifyApiKey } from "../../../platform/auth/api-key";
import type { App } from "../../../context";
import { signSessionToken } from "../session-token";
import { dashboardRoles } from "../signed-in";
import { verifyCsrfToken } from "../../../platform/http/csrf";
import { readForm } from "../../../platform/http/form";
import { clearLoginCookie, sentLoginNonce, setSessionCookie } from "./cookies";
import { refuseLogin, renderNotConfigured } from "./login-form";
import { LoginForm } from "./schema";
import { loginBinding } from "./session";

// The page keeps one code (UNAUTHORIZED) for every refused key; the wording says which case it is.
const LOGIN_REFUSALS: Record<KeyRefusal, string> = {
  unknown_key: "That API key is not valid or has been revoked.",
  revoked_key: "That API key has been revoked. Ask an admin of your organisation for a new one.",
  expired_key: "That API key has expired. Sign in with the key that replaced it, or ask an admin for a new one.",
};

/**
 * `POST /dashboard/login`: checks the key once and sets a signed session cookie naming the key, not
 * holding it. The CSRF check comes first, so another site's form cannot sign a browser into an
 * attacker's organisation, nor use the form to test keys.
 */
export const registerLoginPost = (app: App) =>
  app.post("/dashboard/login", async (c) => {
    const keys = await c.get("services").keys.tokens();
    if (!keys.ok) return renderNotConfigured(c);
    const form = await readForm(c);
    const nonce = sentLoginNonce(c);
    const csrf = typeof form.csrf === "string" ? form.csrf : undefined;
    if (!nonce || (await verifyCsrfToken(keys.value, loginBinding(nonce), csrf))) {
      return refuseLogin(c, keys.value, "FORBIDDEN", "This sign-in form expired or came from another page. Please sign in again.");
    }
    const parsed = LoginForm.safeParse(form);
    if (!parsed.success) return refuseLogin(c, keys.value, "BAD_REQUEST", parsed.error.issues.find((i) => i.path[0] === "apiKey")?.message ?? "Paste an API key.");
    const verified = await verifyApiKey(c.get("services").db, parsed.data.apiKey, c.get("services").clock.now());
    if (!verified.ok) return refuseLogin(c, keys.value, "UNAUTHORIZED", LOGIN_REFUSALS[verified.error]);
    if (!dashboardRoles.includes(verified.value.role)) {
      return refuseLogin(c, keys.value, "UNAUTHORIZED", `This is an ${verified.value.role} key: it posts events but cannot open the dashboard. Use a viewer, editor or admin key.`);
    }
    setSessionCookie(c, await signSessionToken(keys.value, verified.value));
    clearLoginCookie(c);
    return c.redirect("/dashboard", 303);
  });
