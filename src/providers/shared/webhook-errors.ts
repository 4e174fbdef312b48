import type { BaseError } from "../../platform/result";

/**
 * Why a webhook was refused. The codes are stable: routes map them to statuses with
 * `webhookAuthStatus`, logs and tests match on them.
 */
export type WebhookAuthErrorCode =
  | "MALFORMED_TIMESTAMP"
  | "STALE_TIMESTAMP"
  | "MALFORMED_SIGNATURE"
  | "BAD_SIGNATURE"
  | "INVALID_KEY"
  | "REPLAYED_TOKEN"
  | "MALFORMED_MESSAGE"
  | "UNSUPPORTED_SIGNATURE_VERSION"
  | "TOPIC_NOT_ALLOWED"
  | "CERT_URL_NOT_HTTPS"
  | "CERT_URL_NOT_AWS"
  | "CERT_URL_NOT_PEM"
  | "CERT_FETCH_FAILED"
  | "CERT_MALFORMED"
  | "MALFORMED_PAYLOAD"
  | "SUBSCRIBE_URL_NOT_AWS"
  | "CONFIRMATION_FAILED";

/** `retry` is true when the same delivery may pass later (our configuration, AWS unreachable). */
export type WebhookAuthError = BaseError<WebhookAuthErrorCode>;

export function authError(code: WebhookAuthErrorCode, message: string): WebhookAuthError {
  const status = webhookAuthStatus(code);
  return { code, message, retry: status >= 500 };
}

/**
 * The HTTP status a route answers. 503 only where the provider's own retries can help: a missing
 * or bad key is the deployment's to fix within SendGrid's 24 h of retries (not a fault of ours
 * to hide behind a 500), an unreachable certificate host recovers. Everything the sender got
 * wrong is a 4xx, so it is not retried for a day.
 */
export function webhookAuthStatus(code: WebhookAuthErrorCode): 400 | 401 | 403 | 503 {
  switch (code) {
    case "MALFORMED_TIMESTAMP":
    case "MALFORMED_SIGNATURE":
    case "MALFORMED_MESSAGE":
    case "UNSUPPORTED_SIGNATURE_VERSION":
    case "CERT_URL_NOT_HTTPS":
    case "CERT_URL_NOT_AWS":
    case "CERT_URL_NOT_PEM":
    case "MALFORMED_PAYLOAD":
    case "SUBSCRIBE_URL_NOT_AWS":
      return 400;
    case "STALE_TIMESTAMP":
    case "BAD_SIGNATURE":
    case "REPLAYED_TOKEN":
      return 401;
    case "TOPIC_NOT_ALLOWED":
      return 403;
    case "INVALID_KEY":
    case "CERT_FETCH_FAILED":
    case "CERT_MALFORMED":
    case "CONFIRMATION_FAILED":
      return 503;
  }
}
