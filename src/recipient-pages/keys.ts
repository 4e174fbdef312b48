import type { Env } from "../env";
import { err, ok, type Result } from "../platform/result";
import { type KeysError, loadTokenKeys, type TokenError, type TokenKeys } from "../platform/crypto/token-keys";
import { type RecipientClaims, verifyRecipientToken } from "./token";

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
