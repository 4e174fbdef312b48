import { asc, eq } from "drizzle-orm";
import { seal, unseal } from "../platform/crypto/sealed-box";
import { providerConfigs } from "../platform/db/schema";
import { ProviderSettings, redactSettings } from "../providers/config";
import type { Services } from "../services";
import { err, ok, type Result } from "../platform/result";
import type { ProvidersView } from "./provider-schema";

export type ProviderStoreError = "no_sealing_key";

export type StoredProvider = { id: string; position: number; provider: string };

/** Replaces an organisation's ordered provider list in one transaction, sealing each entry. */
export async function replaceProviders({ db, keys: sealing }: Services, organizationId: string, list: ProviderSettings[]): Promise<Result<StoredProvider[], ProviderStoreError>> {
  const keys = await sealing.sealing();
  if (!keys && list.length > 0) return err("no_sealing_key");
  const rows = await Promise.all(
    list.map(async (settings, position) => ({
      organizationId,
      position,
      provider: settings.provider,
      credentials: keys ? await seal(keys, JSON.stringify(settings)) : "",
    })),
  );
  const stored = await db.transaction(async (tx) => {
    await tx.delete(providerConfigs).where(eq(providerConfigs.organizationId, organizationId));
    if (rows.length === 0) return [];
    return tx.insert(providerConfigs).values(rows).returning({ id: providerConfigs.id, position: providerConfigs.position, provider: providerConfigs.provider });
  });
  return ok(stored.sort((a, b) => a.position - b.position));
}

export async function listProviders({ db, keys: sealing }: Services, organizationId: string): Promise<ProvidersView> {
  const rows = await db.select().from(providerConfigs).where(eq(providerConfigs.organizationId, organizationId)).orderBy(asc(providerConfigs.position));
  const keys = rows.length > 0 ? await sealing.sealing() : undefined;
  const providers = await Promise.all(
    rows.map(async (row) => {
      const opened = keys ? await unseal(keys, row.credentials) : undefined;
      const parsed = opened?.ok ? ProviderSettings.safeParse(JSON.parse(opened.value)) : undefined;
      const settings = parsed?.success ? redactSettings(parsed.data) : { error: "cannot be opened with the current SECRETS_KEY" };
      return { id: row.id, position: row.position, provider: row.provider, enabled: row.enabled, settings };
    }),
  );
  return { providers, usingDefaults: rows.length === 0 };
}
