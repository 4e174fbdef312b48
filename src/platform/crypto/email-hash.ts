import type { Env } from "../../env";

/** Isolate-scoped: importing an HMAC key is pure, and the secret cannot change while the isolate lives. */
const imported = new Map<string, Promise<CryptoKey>>();

/** Providers and people vary the case of an address; the local part is case-insensitive in practice. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The key that hashes addresses: EMAIL_HASH_KEY, else SECRETS_KEY, else undefined (nothing can be
 * suppressed or looked up by address then). The secret's text is the HMAC key as given.
 */
export function emailHashKey(env: Pick<Env, "EMAIL_HASH_KEY" | "SECRETS_KEY">): Promise<CryptoKey> | undefined {
  const secret = env.EMAIL_HASH_KEY || env.SECRETS_KEY;
  if (!secret) return undefined;
  let key = imported.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    imported.set(secret, key);
  }
  return key;
}

/**
 * hex(HMAC-SHA256(key, lower-cased address)). Keyed rather than a plain hash: a list of plain
 * SHA-256 hashes of addresses is reversed by hashing a list of known addresses.
 */
export async function hashEmail(key: CryptoKey, email: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(normalizeEmail(email)));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hashes of several addresses, keyed by the normalised address (duplicates hashed once). */
export async function hashEmails(key: CryptoKey, emails: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set([...emails].map(normalizeEmail))];
  const hashes = await Promise.all(unique.map((e) => hashEmail(key, e)));
  return new Map(unique.map((e, i) => [e, hashes[i] ?? ""]));
}
