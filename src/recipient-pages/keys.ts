import type { Env } from "../env";
import { err, ok, type Result } from "../platform/result";
import { importTokenKeys, type RecipientClaims, type TokenError, type TokenKeys, verifyRecipientToken } from "./token";

/**
 * Isolate-scoped: importing HMAC keys costs a few hundred microseconds, and every email and page
 * needs them. Keyed by the spec string, so a rotated secret (a new deployment) imports afresh.
 */
const imported = new Map<string, Promise<TokenKeys>>();

export type KeysError = "not_configured";

/** The recipient-token keys from TOKEN_SIGNING_KEYS, imported once per isolate. */
export async function loadTokenKeys(env: Pick<Env, "TOKEN_SIGNING_KEYS">): Promise<Result<TokenKeys, KeysError>> {
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

export type PageTokenError = TokenError | KeysError;

/** Verifies a token from a page URL; `not_configured` is our fault, the rest are the link's. */
export async function verifyPageToken(env: Pick<Env, "TOKEN_SIGNING_KEYS">, token: string): Promise<Result<{ claims: RecipientClaims; keys: TokenKeys }, PageTokenError>> {
  const keys = await loadTokenKeys(env);
  if (!keys.ok) return keys;
  // Real tokens are ~150 characters; a cap keeps an absurd path from costing an HMAC.
  if (token.length > 1024) return err("malformed");
  const verified = await verifyRecipientToken(keys.value, token);
  return verified.ok ? ok({ claims: verified.value, keys: keys.value }) : verified;
}
