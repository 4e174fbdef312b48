import { err, ok, type Result } from "../result";

/**
 * AES-256-GCM for secrets at rest (provider credentials, DKIM keys). A sealed value reads
 * `v1.<keyId>.<iv>.<ciphertext>` (base64url), so keys can rotate: new values use the current key,
 * old ones still open with the previous key until they are re-sealed.
 */
export type SealingKeys = { current: { id: string; key: CryptoKey }; previous?: { id: string; key: CryptoKey } };

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** Imports a base64 (standard or url-safe) 32-byte key; its id is the first 8 hex of its SHA-256. */
export async function importSealingKey(base64: string): Promise<{ id: string; key: CryptoKey }> {
  const raw = fromB64url(base64.trim());
  if (raw.length !== 32) throw new Error("a sealing key must be 32 bytes, base64-encoded");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  const id = [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  return { id, key };
}

export async function seal(keys: SealingKeys, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, keys.current.key, new TextEncoder().encode(plaintext));
  return `v1.${keys.current.id}.${b64url(iv)}.${b64url(new Uint8Array(cipher))}`;
}

export type UnsealError = "malformed" | "unknown_key" | "tampered";

export async function unseal(keys: SealingKeys, sealed: string): Promise<Result<string, UnsealError>> {
  const [version, keyId, iv, cipher] = sealed.split(".");
  if (version !== "v1" || !keyId || !iv || !cipher) return err("malformed");
  const key = [keys.current, keys.previous].find((k) => k?.id === keyId)?.key;
  if (!key) return err("unknown_key");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromB64url(iv) }, key, fromB64url(cipher));
    return ok(new TextDecoder().decode(plain));
  } catch {
    return err("tampered");
  }
}
