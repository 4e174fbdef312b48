import { err, ok, type Result } from "../result";
import { b64url, fromB64url, toHex } from "./bytes";

/**
 * AES-256-GCM for secrets at rest (provider credentials, DKIM keys). A sealed value reads
 * `v1.<keyId>.<iv>.<ciphertext>` (base64url), so keys can rotate: new values use the current key,
 * old ones still open with the previous key until they are re-sealed.
 */
export type SealingKeys = { current: { id: string; key: CryptoKey }; previous?: { id: string; key: CryptoKey } };

/** Imports a base64 (standard or url-safe) 32-byte key; its id is the first 8 hex of its SHA-256. */
export async function importSealingKey(base64: string): Promise<{ id: string; key: CryptoKey }> {
  const raw = fromB64url(base64.trim());
  if (raw.length !== 32) throw new Error("a sealing key must be 32 bytes, base64-encoded");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  const id = toHex(digest.slice(0, 4));
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  return { id, key };
}

const encoder = new TextEncoder();
const params = (iv: Uint8Array, associatedData: string | undefined): SubtleCryptoEncryptAlgorithm =>
  associatedData === undefined ? { name: "AES-GCM", iv } : { name: "AES-GCM", iv, additionalData: encoder.encode(associatedData) };

/**
 * `associatedData` is authenticated but not stored: a value sealed with it opens only when the same
 * text is given again, which is how personal data is bound to its organisation, row and column.
 */
export async function seal(keys: SealingKeys, plaintext: string, associatedData?: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt(params(iv, associatedData), keys.current.key, encoder.encode(plaintext));
  return `v1.${keys.current.id}.${b64url(iv)}.${b64url(new Uint8Array(cipher))}`;
}

export type UnsealError = "malformed" | "unknown_key" | "tampered";

/** The id of the key that sealed a value, or undefined when it is not a sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  const [version, keyId] = sealed.split(".", 2);
  return version === "v1" && keyId ? keyId : undefined;
}

export async function unseal(keys: SealingKeys, sealed: string, associatedData?: string): Promise<Result<string, UnsealError>> {
  const [version, keyId, iv, cipher] = sealed.split(".");
  if (version !== "v1" || !keyId || !iv || !cipher) return err("malformed");
  const key = [keys.current, keys.previous].find((k) => k?.id === keyId)?.key;
  if (!key) return err("unknown_key");
  try {
    const plain = await crypto.subtle.decrypt(params(fromB64url(iv), associatedData), key, fromB64url(cipher));
    return ok(new TextDecoder().decode(plain));
  } catch {
    return err("tampered");
  }
}
