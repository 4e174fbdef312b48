import { err, ok, type Result } from "../../platform/result";
import { SnsEnvelope } from "./sns-envelope";
import { decodeBase64, utf8 } from "../shared/bytes";
import { authError, type WebhookAuthError } from "../shared/webhook-errors";
import { pemToDer, rsaPublicKeyFromCertificate } from "./x509";

/** Fetches the PEM text at an already-vetted `SigningCertURL`. */
export interface CertificateFetcher {
  fetchPem(url: string): Promise<Result<string, { message: string }>>;
}

/**
 * Imported signing keys by certificate URL and hash. Isolate-scoped on purpose: without it every
 * SNS delivery costs a round trip to AWS before it can be verified; a CryptoKey is not an I/O
 * object, so sharing it across requests is allowed; AWS rotates by publishing a new URL, so an
 * entry never goes stale, only unused. Only keys that imported are kept (a failed fetch is
 * retried next time) and the size is capped because the URL is chosen by whoever sent the message.
 */
export class SnsKeyCache {
  private readonly keys = new Map<string, CryptoKey>();

  constructor(private readonly maxEntries = 32) {}

  get(id: string): CryptoKey | undefined {
    return this.keys.get(id);
  }

  set(id: string, key: CryptoKey): void {
    if (this.keys.size >= this.maxEntries) this.keys.delete(this.keys.keys().next().value ?? "");
    this.keys.set(id, key);
  }
}

const isolateKeyCache = new SnsKeyCache();

const HASH_BY_VERSION: Record<string, "SHA-1" | "SHA-256"> = { "1": "SHA-1", "2": "SHA-256" };
const AWS_SNS_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

export type SnsVerifyInput = {
  /** The parsed JSON body. */
  message: unknown;
  /** Topics this deployment subscribed to: any AWS account can sign a message for its own topic. */
  allowedTopicArns: readonly string[];
  certificates: CertificateFetcher;
  keyCache?: SnsKeyCache;
};

/** Verifies an SNS message (SignatureVersion 1 and 2) and returns it typed once it is authentic. */
export async function verifySnsMessage({ message, allowedTopicArns, certificates, keyCache = isolateKeyCache }: SnsVerifyInput): Promise<Result<SnsEnvelope, WebhookAuthError>> {
  const parsed = SnsEnvelope.safeParse(message);
  if (!parsed.success) return err(authError("MALFORMED_MESSAGE", "The body is not an SNS message."));
  const envelope = parsed.data;

  const hash = HASH_BY_VERSION[envelope.SignatureVersion];
  if (!hash) return err(authError("UNSUPPORTED_SIGNATURE_VERSION", `SignatureVersion ${envelope.SignatureVersion} is not 1 or 2.`));
  // Checked before any fetch: a message for someone else's topic costs us nothing.
  if (!allowedTopicArns.includes(envelope.TopicArn)) return err(authError("TOPIC_NOT_ALLOWED", "The TopicArn is not one this deployment subscribed to."));
  const urlRefusal = checkSigningCertUrl(envelope.SigningCertURL);
  if (urlRefusal) return err(urlRefusal);

  const signature = decodeBase64(envelope.Signature);
  if (!signature || signature.length === 0) return err(authError("MALFORMED_SIGNATURE", "The Signature is not base64."));

  const key = await loadKey(envelope.SigningCertURL, hash, certificates, keyCache);
  if (!key.ok) return key;
  const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key.value, signature, utf8(snsStringToSign(envelope)));
  return valid ? ok(envelope) : err(authError("BAD_SIGNATURE", "The SNS signature does not match the message."));
}

/** The certificate must come from SNS itself over https, or any signer could bring their own key. */
export function checkSigningCertUrl(value: string): WebhookAuthError | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return authError("CERT_URL_NOT_AWS", "The SigningCertURL is not a URL.");
  }
  if (url.protocol !== "https:") return authError("CERT_URL_NOT_HTTPS", "The SigningCertURL must be https.");
  if (!AWS_SNS_HOST.test(url.hostname) || url.port !== "" || url.username !== "") {
    return authError("CERT_URL_NOT_AWS", "The SigningCertURL is not on an sns.<region>.amazonaws.com host.");
  }
  if (!url.pathname.endsWith(".pem")) return authError("CERT_URL_NOT_PEM", "The SigningCertURL is not a .pem file.");
  return undefined;
}

/** `Key\nValue\n` for the signed fields in SNS's order; Subject only when the message has one. */
export function snsStringToSign(envelope: SnsEnvelope): string {
  const fields: [string, string | null | undefined][] =
    envelope.Type === "Notification"
      ? [
          ["Message", envelope.Message],
          ["MessageId", envelope.MessageId],
          ["Subject", envelope.Subject],
          ["Timestamp", envelope.Timestamp],
          ["TopicArn", envelope.TopicArn],
          ["Type", envelope.Type],
        ]
      : [
          ["Message", envelope.Message],
          ["MessageId", envelope.MessageId],
          ["SubscribeURL", envelope.SubscribeURL],
          ["Timestamp", envelope.Timestamp],
          ["Token", envelope.Token],
          ["TopicArn", envelope.TopicArn],
          ["Type", envelope.Type],
        ];
  return fields.map(([name, value]) => (value === undefined || value === null ? "" : `${name}\n${value}\n`)).join("");
}

async function loadKey(url: string, hash: "SHA-1" | "SHA-256", certificates: CertificateFetcher, cache: SnsKeyCache): Promise<Result<CryptoKey, WebhookAuthError>> {
  const id = `${hash} ${url}`;
  const cached = cache.get(id);
  if (cached) return ok(cached);

  const pem = await certificates.fetchPem(url);
  if (!pem.ok) return err(authError("CERT_FETCH_FAILED", `The signing certificate could not be fetched: ${pem.error.message}`));
  const der = pemToDer(pem.value);
  const spki = der.ok ? rsaPublicKeyFromCertificate(der.value) : der;
  if (!spki.ok) return err(authError("CERT_MALFORMED", `The signing certificate is unusable: ${spki.error}.`));
  try {
    const key = await crypto.subtle.importKey("spki", spki.value, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
    cache.set(id, key);
    return ok(key);
  } catch (e) {
    return err(authError("CERT_MALFORMED", `The certificate's public key does not import: ${String(e)}.`));
  }
}
