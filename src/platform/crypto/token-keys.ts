import { err, ok, type Result } from "../result";
import { fromB64url } from "./bytes";

/** Signing keys by id; `current` signs, every listed key verifies (so keys can rotate). */
export type TokenKeys = { current: string; keys: Map<string, CryptoKey> };

export type TokenError = "malformed" | "unknown_key" | "bad_signature";

/**
 * Parses `TOKEN_SIGNING_KEYS`: comma-separated `id:base64secret`, the first one current, e.g.
 * `k2:…,k1:…` while k1's links are still honoured after a rotation.
 */
export async function importTokenKeys(spec: string): Promise<TokenKeys> {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
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

/**
 * Isolate-scoped: importing HMAC keys costs a few hundred microseconds, and every email and page
 * needs them. Keyed by the spec string, so a rotated secret (a new deployment) imports afresh.
 */
const imported = new Map<string, Promise<TokenKeys>>();

export type KeysError = "not_configured";

/** The keys from TOKEN_SIGNING_KEYS (recipient links, page CSRF tokens, dashboard sessions), imported once per isolate. */
export async function loadTokenKeys(env: { TOKEN_SIGNING_KEYS?: string | undefined }): Promise<Result<TokenKeys, KeysError>> {
  const spec = env.TOKEN_SIGNING_KEYS;
  if (!spec) return err("not_configured");
  let keys = imported.get(spec);
  if (!keys) {
    keys = importTokenKeys(spec);
    // A failed import must not stick: the next call tries again (and reports the same error).
    keys.catch(() => imported.delete(spec));
    imported.set(spec, keys);
  }
  return ok(await keys);
}
