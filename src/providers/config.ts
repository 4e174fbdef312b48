import { z } from "zod";

/** What an organisation (or the environment) stores to use each provider; the source of their types. */
export const SendGridSettings = z.object({
  provider: z.literal("sendgrid"),
  apiKey: z.string().min(1),
  baseUrl: z.string().url().default("https://api.sendgrid.com"),
  /** Event Webhook verification key of this account (base64 SPKI), for `/webhooks/sendgrid/{providerConfigId}`. */
  webhookPublicKey: z.string().min(1).optional(),
});

export const MailgunSettings = z.object({
  provider: z.literal("mailgun"),
  apiKey: z.string().min(1),
  domain: z.string().min(1),
  /** US `https://api.mailgun.net`, EU `https://api.eu.mailgun.net`. */
  baseUrl: z.string().url().default("https://api.mailgun.net"),
  /** HTTP webhook signing key of this account, for `/webhooks/mailgun/{providerConfigId}`. */
  webhookSigningKey: z.string().min(1).optional(),
});

export const SesSettings = z.object({
  provider: z.literal("ses"),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like eu-west-1"),
  endpoint: z.string().url().optional(),
  configurationSetName: z.string().optional(),
  /** SNS topics this account publishes SES events to, accepted by `/webhooks/ses/{providerConfigId}`. */
  snsTopicArns: z
    .array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w.-]+$/, "must be an SNS topic ARN"))
    .max(20)
    .optional(),
});

export const SmtpSettings = z.object({
  provider: z.literal("smtp"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** Implicit TLS (port 465); otherwise STARTTLS when `startTls` (port 587). Port 25 is blocked on Workers. */
  secure: z.boolean().default(false),
  startTls: z.boolean().default(true),
  username: z.string().optional(),
  password: z.string().optional(),
});

export const CaptureSettings = z.object({ provider: z.literal("capture") });

export const ProviderSettings = z.discriminatedUnion("provider", [SendGridSettings, MailgunSettings, SesSettings, SmtpSettings, CaptureSettings]);
export type ProviderSettings = z.infer<typeof ProviderSettings>;
export type ProviderSettingsInput = z.input<typeof ProviderSettings>;

/** Settings as shown back through the API: secrets are never returned, only their last characters. */
export function redactSettings(settings: ProviderSettings): Record<string, unknown> {
  const secretFields = new Set(["apiKey", "secretAccessKey", "password"]);
  secretFields.add("webhookSigningKey");
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, secretFields.has(k) && typeof v === "string" ? `…${v.slice(-4)}` : v]));
}

/**
 * What the audit log keeps of a provider's settings: the names of the fields set, never a value.
 * Names only, so a secret field added later cannot leak into the log by being forgotten here.
 */
export const settingNames = (settings: ProviderSettings): string[] =>
  Object.keys(settings)
    .filter((k) => k !== "provider")
    .sort();
