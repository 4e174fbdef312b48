import { z } from "zod";
import type { BaseError, Result } from "../platform/result";

export const ProviderId = z.enum(["sendgrid", "mailgun", "ses", "smtp", "capture"]);
export type ProviderId = z.infer<typeof ProviderId>;

export const Address = z.object({ email: z.string(), name: z.string().optional() });
export type Address = z.infer<typeof Address>;

/** A rendered email ready for a provider: everything a provider needs, nothing it must look up. */
export const OutgoingEmail = z.object({
  notificationId: z.string(),
  organizationId: z.string(),
  to: Address,
  from: Address,
  replyTo: Address.optional(),
  subject: z.string(),
  /** Absent for a recipient who chose plain-text email only: the message then has a text part alone. */
  html: z.string().optional(),
  text: z.string(),
  headers: z.record(z.string(), z.string()),
});
export type OutgoingEmail = z.infer<typeof OutgoingEmail>;

/**
 * How a provider refused: `unavailable` (timeout, 429, 5xx: another provider or a later try may
 * succeed), `refused` (this message will never be accepted), `configuration` (this provider is
 * unusable for now: bad credentials, unverified sender). Only `refused` is final.
 */
export type SendErrorCode = "unavailable" | "refused" | "configuration";

export type SendError = BaseError<SendErrorCode> & {
  /**
   * For `configuration`: whether the answer is about the provider account (bad or revoked
   * credentials, suspended account, unknown domain) or about this message's sender (unverified
   * address or domain, a DKIM key that does not sign). Neither says the provider is unwell.
   */
  about?: "account" | "sender";
  httpStatus?: number;
  /** SMTP reply code, for the SMTP provider (which has no HTTP status). */
  smtpCode?: number;
  retryAfterSeconds?: number;
};

export const sendError = (code: SendErrorCode, message: string, extra: Pick<SendError, "about" | "httpStatus" | "smtpCode" | "retryAfterSeconds"> = {}): SendError => ({
  code,
  message,
  retry: code !== "refused",
  ...extra,
});

/**
 * The provider took the message. `messageId` is null when a 2xx named none: the message is sent
 * all the same (sending it again would duplicate it); webhooks still find it by our echoed id.
 */
export type Accepted = { messageId: string | null; httpStatus?: number };

/** One email provider behind one contract; vendor errors are mapped to `SendError`, never thrown. */
export interface EmailProvider {
  readonly id: ProviderId;
  send(email: OutgoingEmail): Promise<Result<Accepted, SendError>>;
}

/** Maps an HTTP status to how Tidings treats it. */
export function classifyStatus(status: number): SendErrorCode {
  if (status === 408 || status === 429 || status >= 500) return "unavailable";
  if (status === 401 || status === 403) return "configuration";
  return "refused";
}

/** A 401 says the credentials are wrong (the account); a 403, that this request may not be made: for a send, its sender. */
export const configurationAbout = (status: number): SendError["about"] => (status === 401 ? "account" : status === 403 ? "sender" : undefined);

export function retryAfterSeconds(headers: Headers): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter);
  const reset = headers.get("x-ratelimit-reset");
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) - Math.floor(Date.now() / 1000));
  return undefined;
}
