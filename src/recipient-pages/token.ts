import { z } from "zod";
import { err, ok, type Result } from "../platform/result";
import { fromB64url } from "../platform/crypto/base64url";
import { signPayload, verifyPayload } from "../platform/crypto/signed-payload";

/**
 * What a recipient's link carries: organisation, recipient (our internal id) and, for a
 * category's unsubscribe link, the category. No expiry: RFC 8058 links must keep working for as
 * long as the mail sits in an inbox; revoking a signing key is how links are retired.
 */
export const RecipientClaims = z.object({
  organizationId: z.string().uuid(),
  recipientId: z.string().uuid(),
  category: z.string().min(1).max(64).optional(),
});
export type RecipientClaims = z.infer<typeof RecipientClaims>;

/** Signing keys by id; `current` signs, every listed key verifies (so keys can rotate). */
export type TokenKeys = { current: string; keys: Map<string, CryptoKey> };

export type TokenError = "malformed" | "unknown_key" | "bad_signature";

/**
 * Parses `TOKEN_SIGNING_KEYS`: comma-separated `id:base64secret`, the first one current, e.g.
 * `k2:…,k1:…` while k1's links are still honoured after a rotation.
 */
export async function importTokenKeys(spec: string): Promise<TokenKeys> {
  const entries = spec.split(",").map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error("TOKEN_SIGNING_KEYS has no key");
  const keys = new Map<string, CryptoKey>();
  for (const entry of entries) {
    const [id, secret] = entry.split(":");
    if (!id || !secret || !/^[a-zA-Z0-9]{1,16}$/.test(id)) throw new Error("TOKEN_SIGNING_KEYS entries look like id:base64secret");
    const raw = fromB64url(secret);
    if (raw.length < 32) throw new Error(`token key ${id} is shorter than 32 bytes`);
    keys.set(id, await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]));
  }
  return { current: entries[0]?.split(":")[0] ?? "", keys };
}

/** A signed link token (src/platform/crypto/signed-payload.ts) carrying the claims in short keys. */
export const signRecipientToken = (keys: TokenKeys, claims: RecipientClaims): Promise<string> =>
  signPayload(keys, { o: claims.organizationId, r: claims.recipientId, ...(claims.category ? { c: claims.category } : {}) });

export async function verifyRecipientToken(keys: TokenKeys, token: string): Promise<Result<RecipientClaims, TokenError>> {
  const payload = await verifyPayload(keys, token);
  if (!payload.ok) return payload;
  const raw = payload.value;
  const claims = RecipientClaims.safeParse({ organizationId: raw.o, recipientId: raw.r, ...(raw.c !== undefined ? { category: raw.c } : {}) });
  return claims.success ? ok(claims.data) : err("malformed");
}
