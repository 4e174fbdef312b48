import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { HonoEnv } from "../../../context";
import { SESSION_TTL_MS } from "../session-token";

type Ctx = Context<HonoEnv>;

export const SESSION_COOKIE = "tidings_dashboard";
/** A random value the sign-in form's CSRF token is bound to: the page has no session to bind to yet. */
export const LOGIN_COOKIE = "tidings_dashboard_login";

const LOGIN_TTL_SECONDS = 24 * 3600;
const LOGIN_NONCE = /^[A-Za-z0-9_-]{22}$/;

/**
 * HttpOnly (no script reads it, and the pages run none), SameSite=Strict (no other site's form or
 * link carries it), only under /dashboard, and Secure whenever the request came over https:
 * `npm run dev` and the tests serve plain http on 127.0.0.1, where a Secure cookie would be dropped.
 */
const attributes = (c: Ctx, maxAge?: number): CookieOptions => ({
  httpOnly: true,
  sameSite: "Strict",
  path: "/dashboard",
  secure: new URL(c.req.url).protocol === "https:",
  ...(maxAge !== undefined ? { maxAge } : {}),
});

export const readSessionCookie = (c: Ctx): string | undefined => getCookie(c, SESSION_COOKIE) || undefined;

export const setSessionCookie = (c: Ctx, token: string) => setCookie(c, SESSION_COOKIE, token, attributes(c, SESSION_TTL_MS / 1000));

export const clearSessionCookie = (c: Ctx) => deleteCookie(c, SESSION_COOKIE, attributes(c));

export const clearLoginCookie = (c: Ctx) => deleteCookie(c, LOGIN_COOKIE, attributes(c));

/** The browser's sign-in nonce, or a new one set now: kept while valid, so two open sign-in tabs both work. */
export function loginNonce(c: Ctx): string {
  const existing = getCookie(c, LOGIN_COOKIE);
  if (existing && LOGIN_NONCE.test(existing)) return existing;
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  setCookie(c, LOGIN_COOKIE, nonce, attributes(c, LOGIN_TTL_SECONDS));
  return nonce;
}

/** The nonce the browser sent back with the sign-in form, if it is one we could have set. */
export function sentLoginNonce(c: Ctx): string | undefined {
  const sent = getCookie(c, LOGIN_COOKIE);
  return sent && LOGIN_NONCE.test(sent) ? sent : undefined;
}
