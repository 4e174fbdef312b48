import type { Services } from "../services";
import { CaptureProvider } from "./capture/send";
import type { ProviderSettings } from "./config";
import type { DkimConfig } from "./shared/dkim";
import { MailgunProvider } from "./mailgun/send";
import type { EmailProvider } from "./provider";
import { sendgridWebhook } from "./sendgrid/webhook";
import { mailgunWebhook } from "./mailgun/webhook";
import { sesWebhook } from "./ses/webhook";
import type { WebhookReceiver } from "./webhook";
import type { WebhookProvider } from "./webhook-events";
import { SendGridProvider } from "./sendgrid/send";
import { SesProvider } from "./ses/send";
import { SmtpProvider } from "./smtp/send";

/** One case per provider: a new member of ProviderSettings stops this compiling until it is wired. */
/** `dkim` is the organisation's signing key; only providers that send raw MIME (SES, SMTP) use it. */
export function createProvider(settings: ProviderSettings, { env }: Services, dkim?: DkimConfig): EmailProvider {
  switch (settings.provider) {
    case "sendgrid":
      return new SendGridProvider({ apiKey: settings.apiKey, baseUrl: settings.baseUrl });
    case "capture":
      return new CaptureProvider(env.CAPTURE_OUTBOX);
    case "mailgun":
      return new MailgunProvider({ apiKey: settings.apiKey, domain: settings.domain, baseUrl: settings.baseUrl });
    case "ses": {
      const { accessKeyId, secretAccessKey, region, endpoint, configurationSetName } = settings;
      return new SesProvider({ accessKeyId, secretAccessKey, region, endpoint, configurationSetName, ...(dkim ? { dkim } : {}) });
    }
    case "smtp": {
      const { host, port, secure, startTls, username, password } = settings;
      return new SmtpProvider({ host, port, secure, startTls, username, password, ...(dkim ? { dkim } : {}) });
    }
    default:
      return unreachable(settings);
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown provider settings ${JSON.stringify(value)}`);
}

/** Every provider whose events come back by webhook: a new member of WebhookProvider stops this compiling until it is wired. */
export const webhookReceivers: Record<WebhookProvider, WebhookReceiver> = {
  sendgrid: sendgridWebhook,
  mailgun: mailgunWebhook,
  ses: sesWebhook,
};
