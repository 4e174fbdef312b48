import { AwsClient } from "aws4fetch";
import { err, ok, type Result } from "../../platform/result";
import { statusLine } from "../shared/status-line";
import { type DkimConfig, DkimSigner } from "../shared/dkim";
import { buildMime, toBase64 } from "../shared/mime";
import { type Accepted, classifyStatus, type EmailProvider, type OutgoingEmail, retryAfterSeconds, type SendError, type SendErrorCode, sendError } from "../provider";

export type SesConfig = {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Defaults to `https://email.{region}.amazonaws.com`; a fake's URL in tests. */
  endpoint?: string;
  configurationSetName?: string;
  dkim?: DkimConfig;
  timeoutMs?: number;
};

// SES answers these with 4xx, yet they say nothing about the message: the account or sender is unusable.
const CONFIGURATION_ERRORS = new Set(["AccountSuspendedException", "SendingPausedException", "MailFromDomainNotVerifiedException", "NotFoundException"]);
const RETRYABLE_ERRORS = new Set(["TooManyRequestsException", "ThrottlingException", "Throttling", "LimitExceededException"]);
// SES manual DKIM guidance: it rewrites Message-ID and Date, so a signature over them would break.
const SES_REWRITTEN_HEADERS = ["message-id", "date"];

/** Amazon SES v2 SendEmail with Raw content, so our own headers (List-Unsubscribe…) survive as written. */
export class SesProvider implements EmailProvider {
  readonly id = "ses" as const;
  private readonly client: AwsClient;
  private readonly signer: DkimSigner | undefined;

  constructor(private readonly config: SesConfig) {
    // retries: 0 because failover and backoff are ours; aws4fetch would otherwise retry 5xx/429 ten times.
    this.client = new AwsClient({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, service: "ses", region: config.region, retries: 0 });
    this.signer = config.dkim ? new DkimSigner(config.dkim) : undefined;
  }

  async send(email: OutgoingEmail): Promise<Result<Accepted, SendError>> {
    const mime = buildMime(email);
    if (!mime.ok) return err(sendError("refused", `SES message not sent: ${mime.error}`));
    let raw = mime.value.raw;
    if (this.signer) {
      const signed = await this.signer.sign(raw, { skipHeaders: SES_REWRITTEN_HEADERS });
      if (!signed.ok) return err(sendError("configuration", `SES DKIM signing failed: ${signed.error}`, { about: "sender" }));
      raw = signed.value;
    }
    const body = {
      FromEmailAddress: email.from.email,
      Destination: { ToAddresses: [email.to.email] },
      Content: { Raw: { Data: toBase64(new TextEncoder().encode(raw)) } },
      // Published with every sending event (through the configuration set), so events find the notification.
      EmailTags: [
        { Name: "tidings_notification_id", Value: tagValue(email.notificationId) },
        { Name: "tidings_organization_id", Value: tagValue(email.organizationId) },
      ],
      ...(this.config.configurationSetName ? { ConfigurationSetName: this.config.configurationSetName } : {}),
    };
    const endpoint = (this.config.endpoint ?? `https://email.${this.config.region}.amazonaws.com`).replace(/\/$/, "");
    let response: Response;
    try {
      response = await this.client.fetch(`${endpoint}/v2/email/outbound-emails`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      return err(sendError("unavailable", timedOut ? "SES did not answer in time" : `SES unreachable: ${String(e)}`));
    }
    const text = await response.text().catch(() => "");
    const parsed = parseJson(text);
    if (response.ok) {
      const messageId = field(parsed, "MessageId");
      // Accepted without a MessageId is accepted all the same: sending again would duplicate the mail.
      return ok({ messageId: messageId ?? null, httpStatus: response.status });
    }
    const type = errorType(response.headers, parsed);
    const detail = statusLine(field(parsed, "message") ?? field(parsed, "Message") ?? text, 300);
    const retryAfter = retryAfterSeconds(response.headers);
    return err(
      sendError(classifySesError(response.status, type, detail), `SES answered ${response.status}${type ? ` ${type}` : ""}${detail ? `: ${detail}` : ""}`, {
        about: sesConfigurationAbout(response.status, type),
        httpStatus: response.status,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      }),
    );
  }
}

export function classifySesError(status: number, type: string | undefined, detail: string): SendErrorCode {
  if (type && RETRYABLE_ERRORS.has(type)) return "unavailable";
  if (type && CONFIGURATION_ERRORS.has(type)) return "configuration";
  // An unverified sender (or, in the sandbox, recipient) comes as MessageRejected, but no message will pass until the account is fixed.
  if (type === "MessageRejected" && /not verified/i.test(detail)) return "configuration";
  return classifyStatus(status);
}

/** The account is unusable (suspended, paused, a 401/403 for the signing keys) or this sender is not verified. */
function sesConfigurationAbout(status: number, type: string | undefined): SendError["about"] {
  if (type === "MailFromDomainNotVerifiedException" || type === "MessageRejected") return "sender";
  if (type && CONFIGURATION_ERRORS.has(type)) return "account";
  return status === 401 || status === 403 ? "account" : undefined;
}

/** REST-JSON errors name their type in `x-amzn-ErrorType` (`Name:http://…`), or in the body as `__type` (`ns#Name`) or `code`. */
function errorType(headers: Headers, body: unknown): string | undefined {
  const raw = headers.get("x-amzn-errortype") ?? field(body, "__type") ?? field(body, "code") ?? field(body, "Code");
  return raw?.split(":")[0]?.split("#").pop();
}

/** SES tag values allow only ASCII letters, digits, `_` and `-`, at most 256 characters. */
export function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256) || "_";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}
