import type { Context } from "hono";
import type { HonoEnv } from "../../../context";
import { LoginPage } from "../views/login";
import { createCsrfToken } from "../../../platform/http/csrf";
import type { TokenKeys } from "../../../platform/crypto/token-keys";
import { loginNonce } from "./cookies";
import { renderDashboard } from "./render";
import { refuse } from "../../../platform/http/page-refusal";
import { loginBinding } from "./session";

type Ctx = Context<HonoEnv>;

/** The sign-in form with a fresh CSRF token bound to this browser's sign-in nonce, and what went wrong, if anything. */
export async function renderLogin(c: Ctx, keys: TokenKeys, status: 200 | 400 | 401 | 403 = 200, message?: string) {
  const csrf = await createCsrfToken(keys, loginBinding(loginNonce(c)));
  return renderDashboard(c, <LoginPage nonce={c.get("cspNonce")} csrf={csrf} {...(message ? { message } : {})} />, status);
}

/** A refused sign-in: the form again with what went wrong for a browser, the envelope for any other client. */
export const refuseLogin = (c: Ctx, keys: TokenKeys, code: "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN", message: string) =>
  refuse(c, code, message, (status) => renderLogin(c, keys, status === 404 ? 400 : status, message));

/** Sessions are signed with TOKEN_SIGNING_KEYS: without them nobody can sign in, and the operator must be told why. */
export function renderNotConfigured(c: Ctx) {
  c.get("services").log.error("TOKEN_SIGNING_KEYS is not set: the dashboard cannot sign sessions");
  const message = "The dashboard needs TOKEN_SIGNING_KEYS, which signs its sessions. Set it (see Configuration in the README) and reload this page.";
  return renderDashboard(c, <LoginPage nonce={c.get("cspNonce")} message={message} />, 503);
}
