import type { Database } from "../../platform/db/client";
import type { Services } from "../../services";
import type { PreferenceCache, RecipientRef } from "./cache";
import type { ResolvedPreferences } from "./model";
import { loadPreferencesFromDb } from "./store";

const NOTHING_CHOSEN: ResolvedPreferences = { unsubscribedAll: false, categories: {} };

/**
 * Resolved preferences for each recipient: from the cache where it holds a current value, the rest
 * from PostgreSQL in one go, written back under the generations read before PostgreSQL was.
 * With the cache down this costs one bounded wait and then reads PostgreSQL: sending never blocks on it.
 */
export async function loadPreferences(db: Database, cache: PreferenceCache, refs: RecipientRef[]): Promise<Map<string, ResolvedPreferences>> {
  const unique = [...new Map(refs.map((r) => [r.recipientId, r])).values()];
  const lookup = await cache.lookup(unique);
  const result = new Map(lookup.hits);
  const misses = unique.filter((r) => !lookup.hits.has(r.recipientId));
  if (misses.length === 0) return result;
  const fresh = await loadPreferencesFromDb(
    db,
    misses.map((r) => r.recipientId),
  );
  const writes = [];
  for (const ref of misses) {
    const preferences = fresh.get(ref.recipientId) ?? NOTHING_CHOSEN;
    result.set(ref.recipientId, preferences);
    const generations = lookup.generations.get(ref.recipientId);
    if (fresh.has(ref.recipientId) && generations) writes.push({ ref, generations, preferences });
  }
  if (lookup.available) await cache.store(writes);
  return result;
}

/**
 * Call after any change to a recipient's choices or unsubscribe state (API, preference page,
 * one-click unsubscribe, provider unsubscribe). When the cache cannot be reached the change is
 * still in PostgreSQL, and the cached value expires within PREFERENCE_CACHE_TTL_SECONDS.
 */
export async function invalidateRecipientPreferences(services: { preferences: Services["preferences"]; log: Services["log"] }, ref: RecipientRef): Promise<void> {
  if (!(await services.preferences.invalidateRecipient(ref))) services.log.warn("preference cache not invalidated; stale until its TTL", { recipientId: ref.recipientId });
}

/** Call after an organisation's defaults change: every cached recipient of it becomes stale at once. */
export async function invalidateOrganizationPreferences(services: { preferences: Services["preferences"]; log: Services["log"] }, organizationId: string): Promise<void> {
  if (!(await services.preferences.invalidateOrganization(organizationId))) services.log.warn("preference cache not invalidated; stale until its TTL", { organizationId });
}
