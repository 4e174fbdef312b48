import { err, ok, type Result } from "../platform/result";
import type { KeysError, TokenError, TokenKeys } from "../platform/crypto/token-keys";
import type { Services } from "../services";
import { type RecipientClaims, verifyRecipientToken } from "./token";

export type PageTokenError = TokenError | KeysError;

/** Verifies a token from a page URL; `not_configured` is our fault, the rest are the link's. */
export async function verifyPageToken(services: Pick<Services, "keys">, token: string): Promise<Result<{ claims: RecipientClaims; keys: TokenKeys }, PageTokenError>> {
  const keys = await services.keys.tokens();
  if (!keys.ok) return keys;
  // Real tokens are ~150 characters; a cap keeps an absurd path from costing an HMAC.
  if (token.length > 1024) return err("malformed");
  const verified = await verifyRecipientToken(keys.value, token);
  return verified.ok ? ok({ claims: verified.value, keys: keys.value }) : verified;
}
