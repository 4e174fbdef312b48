import { z } from "zod";
import { apiKeyRoles } from "../db/schema";
import { err, ok, type Result } from "../result";
import type { TokenKeys } from "../tokens/recipient-token";
import { b64url, fromB64url } from "../tokens/base64url";

/** How long a dashboard sign-in lasts; the cookie's Max-Age says the same. */
export const SESSION_TTL_MS = 12 * 3600_000;

/**
 * What the session cookie carries: which key signed in, for which organisation, with which role,
 * until when. Never the key itself: a stolen cookie dies with its expiry or the key's revocation.
 */
export const SessionClaims = z.object({
  apiKeyId: z.string().uuid(),
  organizationId: z.string().uuid(),
  role: z.enum(apiKeyRoles),
  /** Milliseconds since the epoch. */
  expiresAt: z.number().int().positive(),
});
export type SessionClaims = z.infer<typeof SessionClaims>;

export type SessionError = "malformed" | "unknown_key" | "bad_signature" | "expired";

const enc = new TextEncoder();

// The MAC covers this purpose prefix and recipient tokens' MACs do not: signed with the same keys,
// a recipient link can never pass as a session, nor a session cookie as a recipient link.
const PURPOSE = "dashboard-session";
const macInput = (kid: string, body: string) => enc.encode(`${PURPOSE}.${kid}.${body}`);

/** `<key id>.<claims, base64url JSON>.<HMAC-SHA256 of purpose, key id and claims>`, cookie-safe as it stands. */
export async function signSessionToken(keys: TokenKeys, session: Omit<SessionClaims, "expiresAt">, now: number = Date.now()): Promise<string> {
  const key = keys.keys.get(keys.current);
  if (!key) throw new Error("the current token key is missing");
  const body = b64url(enc.encode(JSON.stringify({ k: session.apiKeyId, o: session.organizationId, r: session.role, e: now + SESSION_TTL_MS })));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, macInput(keys.current, body)));
  return `${keys.current}.${body}.${b64url(mac)}`;
}

export async function verifySessionToken(keys: TokenKeys, token: string, now: number = Date.now()): Promise<Result<SessionClaims, SessionError>> {
  // Real tokens are ~200 characters; the cap keeps a huge cookie from costing an HMAC.
  if (token.length > 1024) return err("malformed");
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return err("malformed");
  const [kid, body, mac] = parts as [string, string, string];
  const key = keys.keys.get(kid);
  if (!key) return err("unknown_key");
  let signature: Uint8Array;
  try {
    signature = fromB64url(mac);
  } catch {
    return err("malformed");
  }
  // subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", key, signature, macInput(kid, body)))) return err("bad_signature");
  let raw: { k?: unknown; o?: unknown; r?: unknown; e?: unknown };
  try {
    raw = JSON.parse(new TextDecoder().decode(fromB64url(body))) as typeof raw;
  } catch {
    return err("malformed");
  }
  const claims = SessionClaims.safeParse({ apiKeyId: raw.k, organizationId: raw.o, role: raw.r, expiresAt: raw.e });
  if (!claims.success) return err("malformed");
  return claims.data.expiresAt <= now ? err("expired") : ok(claims.data);
}
