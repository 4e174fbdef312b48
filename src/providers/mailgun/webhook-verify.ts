import { err, ok, type Result } from "../../platform/result";
import { checkFreshness, decodeHex, utf8 } from "../shared/bytes";
import { authError, type WebhookAuthError } from "../shared/webhook-errors";
import type { TokenReplayGuard } from "./replay-guard";

export type MailgunSignatureInput = {
  /** The HTTP webhook signing key (Mailgun dashboard), not the API key. */
  signingKey: string;
  /** `signature.timestamp`, `signature.token` and `signature.signature` from the JSON body. */
  timestamp: string;
  token: string;
  signature: string;
  now: Date;
  toleranceSeconds?: number;
};

/** Verifies hex(HMAC-SHA256(signingKey, timestamp + token)) and the timestamp's freshness. */
export async function verifyMailgunSignature({
  signingKey,
  timestamp,
  token,
  signature,
  now,
  toleranceSeconds = 600,
}: MailgunSignatureInput): Promise<Result<void, WebhookAuthError>> {
  const fresh = checkFreshness(timestamp, now, toleranceSeconds);
  if (!fresh.ok) return fresh;

  const mac = decodeHex(signature);
  if (token.length === 0 || !mac || mac.length !== 32) {
    return err(authError("MALFORMED_SIGNATURE", "The token is empty or the signature is not 64 hex digits."));
  }
  if (signingKey.length === 0) return err(authError("INVALID_KEY", "No Mailgun webhook signing key is configured."));

  const key = await crypto.subtle.importKey("raw", utf8(signingKey), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  // subtle.verify compares MACs in constant time; comparing hex strings with === would leak
  // through timing how many leading characters of a forged signature are right.
  const valid = await crypto.subtle.verify("HMAC", key, mac, utf8(timestamp + token));
  return valid ? ok(undefined) : err(authError("BAD_SIGNATURE", "The signature does not match the timestamp and token."));
}

export type MailgunReplayInput = {
  guard: TokenReplayGuard;
  token: string;
  timestamp: string;
  now: Date;
  toleranceSeconds?: number;
};

/**
 * Refuses a token seen before. Run it only after the signature verified: otherwise anyone could
 * pre-record tokens and get Mailgun's genuine deliveries refused. A token is remembered exactly as
 * long as its timestamp could still pass the freshness check; after that, freshness refuses it.
 */
export async function refuseReplayedToken({ guard, token, timestamp, now, toleranceSeconds = 600 }: MailgunReplayInput): Promise<Result<void, WebhookAuthError>> {
  const ttlSeconds = Math.max(1, Math.ceil(Number(timestamp) + toleranceSeconds - now.getTime() / 1000));
  if (await guard.seen(token, ttlSeconds)) return err(authError("REPLAYED_TOKEN", "This webhook token was already used."));
  return ok(undefined);
}

/** Signature, freshness, then replay: what the Mailgun route runs before trusting the body. */
export async function verifyMailgunWebhook(input: MailgunSignatureInput & { replayGuard: TokenReplayGuard }): Promise<Result<void, WebhookAuthError>> {
  const verified = await verifyMailgunSignature(input);
  if (!verified.ok) return verified;
  return refuseReplayedToken({ ...input, guard: input.replayGuard });
}
