import type { Env } from "../../env";
import { toHex } from "./bytes";

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

/** An address-hash key and its id (the first 8 hex of the SHA-256 of its secret), stored beside each hash it made. */
export type EmailHashKey = { id: string; key: CryptoKey };
/** The live address-hash keys: the current one hashes new entries; entries of the previous one are still found. */
export type EmailHashKeys = { current: EmailHashKey; previous?: EmailHashKey };

/** Isolate-scoped, like `imported`: the id is a pure function of the secret. */
const identified = new Map<string, Promise<EmailHashKey>>();

function identify(secret: string): Promise<EmailHashKey> {
  let found = identified.get(secret);
  if (!found) {
    found = (async () => {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
      const id = toHex(digest.slice(0, 4));
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return { id, key };
    })();
    identified.set(secret, found);
  }
  return found;
}

/**
 * EMAIL_HASH_KEY with EMAIL_HASH_KEY_PREVIOUS; while hashes fall back to SECRETS_KEY, that key with
 * SECRETS_KEY_PREVIOUS, so rotating it does not orphan the suppression list either.
 */
export async function emailHashKeys(env: Pick<Env, "EMAIL_HASH_KEY" | "EMAIL_HASH_KEY_PREVIOUS" | "SECRETS_KEY" | "SECRETS_KEY_PREVIOUS">): Promise<EmailHashKeys | undefined> {
  const [current, previous] = env.EMAIL_HASH_KEY ? [env.EMAIL_HASH_KEY, env.EMAIL_HASH_KEY_PREVIOUS] : [env.SECRETS_KEY, env.SECRETS_KEY_PREVIOUS];
  if (!current) return undefined;
  return previous && previous !== current ? { current: await identify(current), previous: await identify(previous) } : { current: await identify(current) };
}

/** An address's hash under every live key, the current key's first. */
export async function hashesUnderEvery(keys: EmailHashKeys, email: string): Promise<{ keyId: string; hash: string }[]> {
  const live = keys.previous ? [keys.current, keys.previous] : [keys.current];
  return Promise.all(live.map(async (k) => ({ keyId: k.id, hash: await hashEmail(k.key, email) })));
}

/**
 * hex(HMAC-SHA256(key, lower-cased address)). Keyed rather than a plain hash: a list of plain
 * SHA-256 hashes of addresses is reversed by hashing a list of known addresses.
 */
export async function hashEmail(key: CryptoKey, email: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(normalizeEmail(email)));
  return toHex(new Uint8Array(mac));
}

/** Hashes of several addresses, keyed by the normalised address (duplicates hashed once). */
export async function hashEmails(key: CryptoKey, emails: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set([...emails].map(normalizeEmail))];
  const hashes = await Promise.all(unique.map((e) => hashEmail(key, e)));
  return new Map(unique.map((e, i) => [e, hashes[i] ?? ""]));
}
