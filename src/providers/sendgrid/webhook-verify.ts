import { err, ok, type Result } from "../../platform/result";
import { checkFreshness, concatBytes, decodeBase64, toBytes, utf8 } from "../shared/bytes";
import { ecdsaDerToRaw } from "../shared/der";
import { authError, type WebhookAuthError } from "../shared/webhook-errors";

export type SendGridSignatureInput = {
  /** The Event Webhook verification key as SendGrid shows it: base64 SubjectPublicKeyInfo. */
  publicKey: string;
  /** `X-Twilio-Email-Event-Webhook-Signature`: base64 of a DER ECDSA signature. */
  signature: string;
  /** `X-Twilio-Email-Event-Webhook-Timestamp`, Unix seconds. */
  timestamp: string;
  /** The request body exactly as received: re-serialised JSON would not match the signature. */
  rawBody: ArrayBuffer | Uint8Array;
  now: Date;
  toleranceSeconds?: number;
};

/** Verifies a SendGrid Event Webhook request: ECDSA P-256 / SHA-256 over timestamp + raw body. */
export async function verifySendGridSignature({
  publicKey,
  signature,
  timestamp,
  rawBody,
  now,
  toleranceSeconds = 600,
}: SendGridSignatureInput): Promise<Result<void, WebhookAuthError>> {
  const fresh = checkFreshness(timestamp, now, toleranceSeconds);
  if (!fresh.ok) return fresh;

  const der = decodeBase64(signature);
  const raw = der && ecdsaDerToRaw(der);
  if (!raw) return err(authError("MALFORMED_SIGNATURE", "The signature is not a base64 DER ECDSA signature."));

  const key = await importPublicKey(publicKey);
  if (!key) return err(authError("INVALID_KEY", "The configured SendGrid verification key is not a base64 P-256 public key."));

  const signed = concatBytes(utf8(timestamp), toBytes(rawBody));
  const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, raw, signed);
  return valid ? ok(undefined) : err(authError("BAD_SIGNATURE", "The signature does not match the timestamp and body."));
}

async function importPublicKey(publicKey: string): Promise<CryptoKey | undefined> {
  const spki = decodeBase64(publicKey.trim());
  if (!spki || spki.length === 0) return undefined;
  try {
    return await crypto.subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  } catch {
    return undefined;
  }
}
