import { z } from "zod";
import { err, ok, type Result } from "../result";
import { b64url, fromB64url } from "./base64url";

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

const enc = new TextEncoder();

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

/** `<key id>.<claims, base64url JSON>.<HMAC-SHA256 of both, base64url>`: URL-safe as it stands. */
export async function signRecipientToken(keys: TokenKeys, claims: RecipientClaims): Promise<string> {
  const key = keys.keys.get(keys.current);
  if (!key) throw new Error("the current token key is missing");
  const body = b64url(enc.encode(JSON.stringify({ o: claims.organizationId, r: claims.recipientId, ...(claims.category ? { c: claims.category } : {}) })));
  const signed = `${keys.current}.${body}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(signed)));
  return `${signed}.${b64url(mac)}`;
}

export async function verifyRecipientToken(keys: TokenKeys, token: string): Promise<Result<RecipientClaims, TokenError>> {
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
  // subtle.verify compares in constant time; comparing strings ourselves would leak timing.
  if (!(await crypto.subtle.verify("HMAC", key, signature, enc.encode(`${kid}.${body}`)))) return err("bad_signature");
  try {
    const raw = JSON.parse(new TextDecoder().decode(fromB64url(body))) as { o?: unknown; r?: unknown; c?: unknown };
    const claims = RecipientClaims.safeParse({ organizationId: raw.o, recipientId: raw.r, ...(raw.c !== undefined ? { category: raw.c } : {}) });
    return claims.success ? ok(claims.data) : err("malformed");
  } catch {
    return err("malformed");
  }
}
