import { z } from "zod";
import { err, ok, type Result } from "../platform/result";
import { signPayload, verifyPayload } from "../platform/crypto/signed-payload";
import type { TokenError, TokenKeys } from "../platform/crypto/token-keys";

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
