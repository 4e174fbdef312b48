import { z } from "zod";
import { apiKeyRoles } from "../../platform/db/schema";
import { err, ok, type Result } from "../../platform/result";
import type { TokenKeys } from "../../platform/crypto/token-keys";
import { signPayload, verifyPayload } from "../../platform/crypto/signed-payload";

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

// Signed as this purpose: a recipient link can never pass as a session, nor a session cookie as a recipient link.
const PURPOSE = "dashboard-session";

export async function signSessionToken(keys: TokenKeys, session: Omit<SessionClaims, "expiresAt">, now: number = Date.now()): Promise<string> {
  return signPayload(keys, { k: session.apiKeyId, o: session.organizationId, r: session.role, e: now + SESSION_TTL_MS }, PURPOSE);
}

export async function verifySessionToken(keys: TokenKeys, token: string, now: number = Date.now()): Promise<Result<SessionClaims, SessionError>> {
  // Real tokens are ~200 characters; the cap keeps a huge cookie from costing an HMAC.
  if (token.length > 1024) return err("malformed");
  const payload = await verifyPayload(keys, token, PURPOSE);
  if (!payload.ok) return payload;
  const raw = payload.value;
  const claims = SessionClaims.safeParse({ apiKeyId: raw.k, organizationId: raw.o, role: raw.r, expiresAt: raw.e });
  if (!claims.success) return err("malformed");
  return claims.data.expiresAt <= now ? err("expired") : ok(claims.data);
}
