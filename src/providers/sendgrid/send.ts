import { err, ok, type Result } from "../../platform/result";
import { statusLine } from "../shared/status-line";
import { type Accepted, classifyStatus, type EmailProvider, type OutgoingEmail, retryAfterSeconds, type SendError, configurationAbout, sendError } from "../provider";

export type SendGridConfig = { apiKey: string; baseUrl: string; timeoutMs?: number };

/** SendGrid v3 `mail/send` over fetch: lighter than @sendgrid/mail, which drags axios into the Worker. */
export class SendGridProvider implements EmailProvider {
  readonly id = "sendgrid" as const;

  constructor(private readonly config: SendGridConfig) {}

  async send(email: OutgoingEmail): Promise<Result<Accepted, SendError>> {
    const body = {
      personalizations: [{ to: [email.to] }],
      from: email.from,
      ...(email.replyTo ? { reply_to: email.replyTo } : {}),
      subject: email.subject,
      // SendGrid requires text/plain before text/html.
      content: [{ type: "text/plain", value: email.text }, ...(email.html === undefined ? [] : [{ type: "text/html", value: email.html }])],
      ...(Object.keys(email.headers).length > 0 ? { headers: email.headers } : {}),
      // Echoed in every Event Webhook call; ids only, no personal data.
      custom_args: { tidings_notification_id: email.notificationId, tidings_organization_id: email.organizationId },
    };
    let response: Response;
    try {
      response = await fetch(`${this.config.baseUrl.replace(/\/$/, "")}/v3/mail/send`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.config.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      return err(sendError("unavailable", timedOut ? "SendGrid did not answer in time" : `SendGrid unreachable: ${String(e)}`));
    }
    if (response.ok) {
      const messageId = response.headers.get("x-message-id");
      await response.body?.cancel();
      // Accepted is accepted: a missing X-Message-Id must not send the mail again elsewhere.
      return ok({ messageId: messageId || null, httpStatus: response.status });
    }
    const detail = await readErrors(response);
    const retryAfter = retryAfterSeconds(response.headers);
    return err(
      sendError(classifyStatus(response.status), `SendGrid answered ${response.status}${detail ? `: ${detail}` : ""}`, {
        about: configurationAbout(response.status),
        httpStatus: response.status,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      }),
    );
  }
}

async function readErrors(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { errors?: { message?: string; field?: string | null }[] };
    return statusLine((parsed.errors ?? []).map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; "), 300);
  } catch {
    return statusLine(text);
  }
}
