import { asc, eq, inArray, sql } from "drizzle-orm";
import { seal, unseal } from "../platform/crypto/sealed-box";
import { providerConfigs } from "../platform/db/schema";
import { ProviderSettings, redactSettings } from "../providers/config";
import type { Services } from "../services";
import { err, ok, type Result } from "../platform/result";
import type { ProvidersView } from "./provider-schema";

export type ProviderStoreError = "no_sealing_key";

export type StoredProvider = { id: string; position: number; provider: string };

/** One entry of a new provider order: its settings, and the id of the configuration it edits, if any. */
export type ProviderEntryInput = ProviderSettings & { id?: string | undefined };

/**
 * Replaces an organisation's ordered provider list in one transaction, sealing each entry. A
 * configuration keeps its id across edits, because its webhook URL is built from it: an entry
 * naming an `id` edits that configuration; one without edits the configuration of the same
 * provider kind at the same place in the order, else the first unused one of that kind; the rest
 * are new. Configurations no entry edits are removed.
 */
export async function replaceProviders({ db, keys: sealing }: Services, organizationId: string, list: ProviderEntryInput[]): Promise<Result<StoredProvider[], ProviderStoreError>> {
  const keys = await sealing.sealing();
  if (!keys && list.length > 0) return err("no_sealing_key");
  const sealed = await Promise.all(list.map(async ({ id: _, ...settings }) => (keys ? seal(keys, JSON.stringify(settings)) : "")));
  const stored = await db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: providerConfigs.id, provider: providerConfigs.provider, position: providerConfigs.position })
      .from(providerConfigs)
      .where(eq(providerConfigs.organizationId, organizationId))
      .for("update");
    const unused = new Map(existing.map((row) => [row.id, row]));
    const take = (id: string | undefined) => (id && unused.delete(id) ? id : undefined);
    const ids = list.map((entry, position) => {
      const named = entry.id && existing.some((row) => row.id === entry.id && row.provider === entry.provider) ? take(entry.id) : undefined;
      if (named) return named;
      const samePlace = [...unused.values()].find((row) => row.provider === entry.provider && row.position === position);
      return take(samePlace?.id) ?? take([...unused.values()].find((row) => row.provider === entry.provider)?.id);
    });
    if (unused.size > 0) await tx.delete(providerConfigs).where(inArray(providerConfigs.id, [...unused.keys()]));
    // Out of the way first: (organisation, position) is unique, and the new order may swap places.
    await tx
      .update(providerConfigs)
      .set({ position: sql`-1 - ${providerConfigs.position}` })
      .where(eq(providerConfigs.organizationId, organizationId));
    const out: StoredProvider[] = [];
    for (const [position, entry] of list.entries()) {
      const id = ids[position];
      const values = { provider: entry.provider, position, credentials: sealed[position] ?? "", updatedAt: new Date() };
      if (id) {
        await tx.update(providerConfigs).set(values).where(eq(providerConfigs.id, id));
        out.push({ id, position, provider: entry.provider });
      } else {
        const [row] = await tx
          .insert(providerConfigs)
          .values({ organizationId, ...values })
          .returning({ id: providerConfigs.id });
        if (row) out.push({ id: row.id, position, provider: entry.provider });
      }
    }
    return out;
  });
  return ok(stored);
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
