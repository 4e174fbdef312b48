import { and, eq } from "drizzle-orm";
import { unseal } from "../platform/crypto/sealed-box";
import { providerConfigs } from "../platform/db/schema";
import type { Env } from "../env";
import { ProviderSettings } from "../providers/config";
import { err, ok, type Result } from "../platform/result";
import type { Services } from "../services";
import type { WebhookProvider } from "../providers/webhook-events";

/**
 * Whose webhook this is and the key that authenticates it. The shared URL uses the deployment's
 * keys and may concern any organisation's mail; a per-organisation URL uses the keys stored with
 * that provider configuration and is confined to its organisation, because that organisation
 * chose the key and so can sign whatever it likes.
 */
export type WebhookSource = {
  organizationId?: string;
  /** Names the replay-guard and log scope: `env` or the provider configuration's id. */
  scope: string;
  sendgridPublicKey: string;
  mailgunSigningKey: string;
  snsTopicArns: string[];
};

export type SourceError = { code: "NOT_FOUND" | "UNUSABLE"; message: string };

const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export function environmentSource(env: Env): WebhookSource {
  return {
    scope: "env",
    sendgridPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY ?? "",
    mailgunSigningKey: env.MAILGUN_WEBHOOK_SIGNING_KEY ?? "",
    snsTopicArns: list(env.SES_SNS_TOPIC_ARNS),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The keys of one stored provider configuration, opened like the delivery path opens them (src/send/provider-chains.ts). */
export async function configurationSource(services: Services, provider: WebhookProvider, providerConfigId: string): Promise<Result<WebhookSource, SourceError>> {
  const notFound = err<SourceError>({ code: "NOT_FOUND", message: `No ${provider} configuration ${providerConfigId}.` });
  if (!UUID.test(providerConfigId)) return notFound;
  const [row] = await services.db
    .select()
    .from(providerConfigs)
    .where(and(eq(providerConfigs.id, providerConfigId), eq(providerConfigs.provider, provider)))
    .limit(1);
  if (!row) return notFound;
  const keys = await services.keys.sealing();
  const opened = keys ? await unseal(keys, row.credentials) : undefined;
  const parsed = opened?.ok ? ProviderSettings.safeParse(JSON.parse(opened.value)) : undefined;
  if (!parsed?.success) {
    services.log.error("provider config unusable for webhooks", { configId: row.id });
    return err({ code: "UNUSABLE", message: "This provider configuration cannot be opened with the current SECRETS_KEY." });
  }
  const settings = parsed.data;
  return ok({
    organizationId: row.organizationId,
    scope: row.id,
    // Absent keys stay empty: the verifiers refuse them as INVALID_KEY (a configuration error, retried).
    sendgridPublicKey: settings.provider === "sendgrid" ? (settings.webhookPublicKey ?? "") : "",
    mailgunSigningKey: settings.provider === "mailgun" ? (settings.webhookSigningKey ?? "") : "",
    snsTopicArns: settings.provider === "ses" ? (settings.snsTopicArns ?? []) : [],
  });
}
