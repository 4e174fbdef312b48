import { and, eq } from "drizzle-orm";
import { unseal } from "../platform/crypto/sealed-box";
import { providerConfigs } from "../platform/db/schema";
import { err, ok, type Result } from "../platform/result";
import { ProviderSettings } from "../providers/config";
import type { WebhookSource } from "../providers/webhook";
import type { WebhookProvider } from "../providers/webhook-events";
import type { Services } from "../services";

export type SourceError = { code: "NOT_FOUND" | "UNUSABLE"; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The shared URL's source: the deployment's own keys, any organisation's mail. */
export const environmentSource: WebhookSource = { scope: "env" };

/** One stored provider configuration, opened like the send path opens it (src/send/provider-chains.ts). */
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
  return ok({ organizationId: row.organizationId, scope: row.id, settings: parsed.data });
}
