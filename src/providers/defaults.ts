import type { Env } from "../env";
import { ProviderSettings } from "./config";

/**
 * The environment's provider chain, used by organisations that configured none. A provider named
 * in EMAIL_PROVIDERS without its credentials is a deployment mistake: refuse to start sending
 * rather than fail every email.
 */
export function environmentProviderSettings(env: Env): ProviderSettings[] {
  return environmentProviderIds(env).map((id) => {
    // The development provider keeps mail instead of sending it: in production that would lose it.
    if (id === "capture" && !env.DEV_MODE) throw new Error('BAD_ENVIRONMENT: provider "capture" in EMAIL_PROVIDERS needs DEV_MODE (it keeps mail instead of sending it)');
    const candidate = {
      sendgrid: { provider: "sendgrid", apiKey: env.SENDGRID_API_KEY, baseUrl: env.SENDGRID_BASE_URL },
      mailgun: { provider: "mailgun", apiKey: env.MAILGUN_API_KEY, domain: env.MAILGUN_DOMAIN, baseUrl: env.MAILGUN_BASE_URL },
      ses: {
        provider: "ses",
        accessKeyId: env.SES_ACCESS_KEY_ID,
        secretAccessKey: env.SES_SECRET_ACCESS_KEY,
        region: env.SES_REGION,
        endpoint: env.SES_ENDPOINT,
        configurationSetName: env.SES_CONFIGURATION_SET,
      },
      smtp: {
        provider: "smtp",
        host: env.SMTP_HOST,
        port: env.SMTP_PORT,
        secure: env.SMTP_SECURE,
        startTls: env.SMTP_STARTTLS,
        username: env.SMTP_USERNAME,
        password: env.SMTP_PASSWORD,
      },
      capture: { provider: "capture" },
    }[id];
    const parsed = ProviderSettings.safeParse(candidate ?? { provider: id });
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "provider"}: ${i.message}`).join("; ");
      throw new Error(`BAD_ENVIRONMENT: provider "${id}" in EMAIL_PROVIDERS is not usable: ${detail}`);
    }
    return parsed.data;
  });
}

/** The ids EMAIL_PROVIDERS (or EMAIL_PROVIDER) names, in order; SendGrid when neither is set. */
export const environmentProviderIds = (env: Env): string[] =>
  (env.EMAIL_PROVIDERS ?? env.EMAIL_PROVIDER ?? "sendgrid")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
