import { and, asc, eq, inArray } from "drizzle-orm";
import { unseal } from "../platform/crypto/sealed-box";
import { providerConfigs } from "../platform/db/schema";
import type { ProviderHandle } from "./failover";
import type { Services } from "../services";
import { ProviderSettings } from "../providers/config";
import { checkProviderHosts, hostPolicy } from "../providers/hosts";
import { environmentProviderSettings } from "../providers/defaults";
import { createProvider } from "../providers/index";
import type { DkimConfig } from "../providers/shared/dkim";

/**
 * The circuit of one provider configuration; the environment's providers (no configuration id)
 * have one circuit each, shared by every organisation that uses them.
 */
export const circuitKeyOf = (provider: string, configId: string | null): string => `${provider}:${configId ?? "env"}`;

/**
 * Each organisation's provider chain for one queue batch, in one query: its own ordered list when
 * it configured one, else the environment's, signing with the organisation's DKIM key in `dkim`
 * (src/send/sender-identity.ts chose it). A configuration that cannot be opened (wrong
 * SECRETS_KEY, corrupted row) is left out and logged, so the rest of the chain still works.
 */
export async function loadProviderChains(services: Services, organizationIds: string[], dkim: Map<string, DkimConfig>): Promise<Map<string, ProviderHandle[]>> {
  const { db, env } = services;
  const chains = new Map<string, ProviderHandle[]>();
  const rows =
    organizationIds.length === 0
      ? []
      : await db
          .select()
          .from(providerConfigs)
          .where(and(inArray(providerConfigs.organizationId, organizationIds), eq(providerConfigs.enabled, true)))
          .orderBy(asc(providerConfigs.organizationId), asc(providerConfigs.position));
  const keys = rows.length > 0 ? await services.keys.sealing() : undefined;
  const policy = hostPolicy(env);
  for (const row of rows) {
    const chain = chains.get(row.organizationId) ?? [];
    chains.set(row.organizationId, chain);
    if (!keys) {
      services.log.error("provider config present but SECRETS_KEY is not set", { configId: row.id });
      continue;
    }
    const opened = await unseal(keys, row.credentials);
    const settings = opened.ok ? ProviderSettings.safeParse(JSON.parse(opened.value)) : undefined;
    if (!settings?.success) {
      services.log.error("provider config unusable", { configId: row.id, reason: opened.ok ? "invalid settings" : opened.error });
      continue;
    }
    // Stored before the host rule, or the rule tightened since: such a configuration sends nothing.
    const outside = checkProviderHosts(settings.data, policy);
    if (outside.length > 0) {
      services.log.error("provider config points outside the allowed hosts", { configId: row.id, problems: outside });
      continue;
    }
    chain.push({ circuitKey: circuitKeyOf(row.provider, row.id), shared: false, provider: createProvider(settings.data, services, dkim.get(row.organizationId)) });
  }
  const defaults = environmentProviderSettings(env);
  for (const id of organizationIds) {
    if (chains.get(id)?.length) continue;
    chains.set(
      id,
      defaults.map((s) => ({ circuitKey: circuitKeyOf(s.provider, null), shared: true, provider: createProvider(s, services, dkim.get(id)) })),
    );
  }
  return chains;
}
