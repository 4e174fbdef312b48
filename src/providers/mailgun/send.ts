import { err, ok, type Result } from "../../platform/result";
import { statusLine } from "../shared/status-line";
import { type Accepted, type Address, classifyStatus, type EmailProvider, type OutgoingEmail, retryAfterSeconds, type SendError, configurationAbout, sendError } from "../provider";

export type MailgunConfig = {
  apiKey: string;
  /** The sending domain as configured in Mailgun, e.g. `mg.example.com`. */
  domain: string;
  /** US `https://api.mailgun.net`, EU `https://api.eu.mailgun.net` (an EU domain is unknown to the US API), or a fake. */
  baseUrl: string;
  timeoutMs?: number;
};

/** Mailgun's messages API over fetch; mailgun.js would pull axios into the Worker. */
export class MailgunProvider implements EmailProvider {
  readonly id = "mailgun" as const;

  constructor(private readonly config: MailgunConfig) {}

  async send(email: OutgoingEmail): Promise<Result<Accepted, SendError>> {
    const form = new FormData();
    form.append("from", formatAddress(email.from));
    form.append("to", formatAddress(email.to));
    form.append("subject", email.subject);
    form.append("text", email.text);
    if (email.html !== undefined) form.append("html", email.html);
    if (email.replyTo) form.append("h:Reply-To", formatAddress(email.replyTo));
    for (const [name, value] of Object.entries(email.headers)) form.append(`h:${name}`, value);
    // User variables come back in every webhook event's `user-variables`; ids only, no personal data.
    form.append("v:tidings_notification_id", email.notificationId);
    form.append("v:tidings_organization_id", email.organizationId);

    const { baseUrl, domain, apiKey } = this.config;
    let response: Response;
    try {
      // No content-type header: FormData sets multipart/form-data with its boundary.
      response = await fetch(`${baseUrl.replace(/\/$/, "")}/v3/${encodeURIComponent(domain)}/messages`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(`api:${apiKey}`)}` },
        body: form,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      return err(sendError("unavailable", timedOut ? "Mailgun did not answer in time" : `Mailgun unreachable: ${String(e)}`));
    }
    const text = await response.text().catch(() => "");
    if (response.ok) {
      const id = readId(text);
      // Mailgun answers `<id@domain>` but its webhooks carry the bare id in
      // event-data.message.headers["message-id"]; storing it bare lets webhooks find the notification.
      // Accepted without an id is accepted all the same: sending again would duplicate the mail.
      return ok({ messageId: id ? id.replace(/^<|>$/g, "") : null, httpStatus: response.status });
    }
    const detail = readMessage(text);
    const retryAfter = retryAfterSeconds(response.headers);
    // A 404 here means the domain does not exist for this key (or lives in the other region): the provider is unusable, not the message.
    const code = response.status === 404 ? "configuration" : classifyStatus(response.status);
    return err(
      sendError(code, `Mailgun answered ${response.status}${detail ? `: ${detail}` : ""}`, {
        about: response.status === 404 ? "account" : configurationAbout(response.status),
        httpStatus: response.status,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      }),
    );
  }
}

/** Mailgun takes UTF-8 form fields and encodes headers itself, so names go in as text, quoted. */
function formatAddress({ email, name }: Address): string {
  return name ? `"${name.replace(/[\r\n]+/g, " ").replace(/[\\"]/g, "\\$&")}" <${email}>` : email;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readId(text: string): string | undefined {
  const body = parse(text);
  return typeof body === "object" && body !== null && "id" in body && typeof body.id === "string" ? body.id : undefined;
}

/** Mailgun errors are `{"message": "..."}`, except 401 which is a plain `Forbidden`. */
function readMessage(text: string): string {
  const body = parse(text);
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") return statusLine(body.message, 300);
  return statusLine(text);
}
