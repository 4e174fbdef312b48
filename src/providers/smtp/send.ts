import { err, ok, type Result } from "../../platform/result";
import { statusLine } from "../shared/status-line";
import { type DkimConfig, DkimSigner } from "../shared/dkim";
import { buildMime } from "../shared/mime";
import { type Accepted, type EmailProvider, type OutgoingEmail, type SendError, sendError } from "../provider";
import { type SmtpFailure, type SmtpSession, sendSmtp } from "./client";

/** The session's connection settings (port 25 is blocked for Workers); `timeoutMs` and the client name default here, `dkim` signs what we build. */
export type SmtpConfig = Omit<SmtpSession, "timeoutMs" | "clientName"> & { dkim?: DkimConfig; timeoutMs?: number };

/** SMTP submission over `cloudflare:sockets`, with the message built (and DKIM-signed) by us. */
export class SmtpProvider implements EmailProvider {
  readonly id = "smtp" as const;
  private readonly signer: DkimSigner | undefined;

  constructor(private readonly config: SmtpConfig) {
    this.signer = config.dkim ? new DkimSigner(config.dkim) : undefined;
  }

  async send(email: OutgoingEmail): Promise<Result<Accepted, SendError>> {
    const mime = buildMime(email);
    if (!mime.ok) return err(sendError("refused", `SMTP message not sent: ${mime.error}`));
    let data = mime.value.raw;
    if (this.signer) {
      const signed = await this.signer.sign(data);
      if (!signed.ok) return err(sendError("configuration", `SMTP DKIM signing failed: ${signed.error}`, { about: "sender" }));
      data = signed.value;
    }
    const { host, port, secure, startTls, username, password } = this.config;
    const result = await sendSmtp(
      {
        host,
        port,
        secure,
        startTls,
        ...(username !== undefined ? { username, password: password ?? "" } : {}),
        clientName: email.from.email.split("@")[1] ?? "localhost",
        timeoutMs: this.config.timeoutMs ?? 15_000,
      },
      { from: email.from.email, to: email.to.email, data },
    );
    if (!result.ok) return err(classifySmtpFailure(result.error, `${host}:${port}`));
    // SMTP has no provider message id; the Message-ID we wrote is what bounces and replies will quote.
    return ok({ messageId: mime.value.messageId });
  }
}

/**
 * 4xx and network trouble may pass (unavailable); a 5xx for the recipient or the content will not
 * (refused); a 5xx before the transaction, for the sender, or on AUTH means this server is not
 * usable with our settings (configuration).
 */
export function classifySmtpFailure(failure: SmtpFailure, server: string): SendError {
  const message = `SMTP ${server} failed at ${failure.stage}: ${statusLine(failure.reply)}`;
  const { code } = failure;
  if (failure.refused) return sendError("configuration", message, { about: "account" });
  // No answer to the end of DATA is retryable too, although the server may have taken the message:
  // at-least-once allows that one resend, never a lost message.
  if (code === undefined || code < 500) return sendError("unavailable", message, code !== undefined ? { smtpCode: code } : {});
  const forMessage = failure.stage === "rcpt" || failure.stage === "message" || failure.stage === "data";
  if (forMessage) return sendError("refused", message, { smtpCode: code });
  // A refused MAIL FROM is about this sender; a refusal before it (greeting, TLS, AUTH), about the account.
  return sendError("configuration", message, { smtpCode: code, about: failure.stage === "mail" ? "sender" : "account" });
}
