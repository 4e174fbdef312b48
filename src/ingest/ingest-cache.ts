/**
 * What ingest keeps in the isolate so a warm `POST /v1/events` is one database round trip (the
 * write) instead of two (a look-up, then the write).
 *
 * - Event types, with their rules and priority, for `EVENT_TYPE_CACHE_SECONDS` (5 s): a change saved
 *   through this isolate is seen at once (`forgetEventType` after the commit), one saved through
 *   another isolate, the dashboard of another isolate or SQL within that time. An unknown type is
 *   never kept, so a type created a moment ago is found by the next event whichever isolate made it.
 * - Recipients' row ids by external id. A row id never changes while the row lives; the write
 *   checks the id it is given against the row (see `acceptEvent`), so an id gone stale (the recipient
 *   was erased and came back) costs one more round trip, never a wrong row.
 *
 * Both are bounded, oldest out first (a Map iterates in insertion order): ids come from requests.
 */
export type CachedRule = { id: string | null; key: string | null; condition: string | null; priority: "high" | "normal" };
export type CachedEventType = { eventTypeId: string; priority: "high" | "normal"; rules: CachedRule[] };

const MAX_EVENT_TYPES = 2_000;
const MAX_RECIPIENT_IDS = 20_000;
const eventTypes = new Map<string, { value: CachedEventType; staleAt: number }>();
const recipientIds = new Map<string, string>();

/** A tenant's own key: nothing one organisation sends can name another's entry. */
const scoped = (organizationId: string, key: string) => `${organizationId}\n${key}`;

function bounded<V>(map: Map<string, V>, max: number, key: string, value: V): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value ?? "");
  map.set(key, value);
}

export function cachedEventType(organizationId: string, type: string, now: Date): CachedEventType | undefined {
  const hit = eventTypes.get(scoped(organizationId, type));
  return hit && hit.staleAt > now.getTime() ? hit.value : undefined;
}

export function rememberEventType(organizationId: string, type: string, value: CachedEventType, now: Date, ttlSeconds: number): void {
  if (ttlSeconds <= 0) return;
  bounded(eventTypes, MAX_EVENT_TYPES, scoped(organizationId, type), { value, staleAt: now.getTime() + ttlSeconds * 1000 });
}

/** After a change to the type or its rules has committed: this isolate's next event reads it afresh. */
export function forgetEventType(organizationId: string, type: string): void {
  eventTypes.delete(scoped(organizationId, type));
}

export function knownRecipientId(organizationId: string, externalId: string): string | undefined {
  return recipientIds.get(scoped(organizationId, externalId));
}

export function rememberRecipientId(organizationId: string, externalId: string, id: string): void {
  bounded(recipientIds, MAX_RECIPIENT_IDS, scoped(organizationId, externalId), id);
}

export function forgetRecipientId(organizationId: string, externalId: string): void {
  recipientIds.delete(scoped(organizationId, externalId));
}
