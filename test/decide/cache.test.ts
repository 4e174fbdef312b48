import { describe, expect, inject, it } from "vitest";
import { decideNotifications } from "../../src/decide/decide";
import { RedisPreferenceCache } from "../../src/decide/preferences/cache";
import { loadPreferences } from "../../src/decide/preferences/load";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { claim, createRecipient, setChoice, setDefault, storeNotifications } from "../fixtures/preferences";
import { withServices } from "../fixtures/services";

const redisUrl = inject("upstashUrl");
const skipReason = inject("redisSkipReason");
/** Generous: these tests are about hits and invalidation, not speed, and the machine is shared. */
const cacheAt = (url: string, timeoutMs = 2_000) => new RedisPreferenceCache({ url, token: inject("upstashToken") || "none", ttlSeconds: 300, timeoutMs });

async function setup() {
  const org = await createOrganization();
  const r = await createRecipient(org.organizationId);
  const ref = { organizationId: org.organizationId, recipientId: r.id };
  const load = (cache: RedisPreferenceCache) => withServices(async (s) => (await loadPreferences(s.db, cache, [ref])).get(r.id));
  return { org, r, ref, load };
}

describe.skipIf(!redisUrl)(`preference cache against real Redis${skipReason ? ` (SKIPPED: ${skipReason})` : ""}`, () => {
  it("misses first, then serves the cached value even when PostgreSQL changed behind its back", async () => {
    const { org, r, ref, load } = await setup();
    const cache = cacheAt(redisUrl);
    expect((await cache.lookup([ref])).hits.size).toBe(0);
    expect((await load(cache))?.categories).toEqual({});
    expect((await cache.lookup([ref])).hits.get(r.id)).toEqual({ unsubscribedAll: false, categories: {} });

    // Written without invalidation: only a cache hit can still answer "nothing chosen".
    await setChoice(org.organizationId, r.id, "comments", { enabled: false });
    expect((await load(cache))?.categories).toEqual({});
    expect(await cache.invalidateRecipient(ref)).toBe(true);
    expect((await load(cache))?.categories.comments?.enabled).toBe(false);
  });

  it("invalidates a recipient's entry on a change through the API, seen by the next decision", async () => {
    const { org, r, load } = await setup();
    const cache = cacheAt(redisUrl);
    await load(cache);
    const res = await call("PUT", `/v1/recipients/${r.externalId}/preferences`, { key: org.apiKey, body: { categories: { comments: { enabled: false } } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await load(cache))?.categories.comments?.source.enabled).toBe("recipient");
    const [id] = await storeNotifications(org.organizationId, r.id, 1);
    const decision = await withServices(async (s) => (await decideNotifications(s, await claim(s, [id ?? ""]))).get(id ?? ""), { preferences: cache });
    expect(decision).toEqual({ action: "skip", rule: "recipient_opt_out" });
  });

  it("invalidates every recipient of an organisation when its defaults change", async () => {
    const { org, r, ref, load } = await setup();
    const cache = cacheAt(redisUrl);
    await load(cache);
    expect((await cache.lookup([ref])).hits.has(r.id)).toBe(true);
    const res = await call("PUT", "/v1/preference-defaults", { key: org.apiKey, body: { categories: { comments: { delivery: "digest" } } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await cache.lookup([ref])).hits.has(r.id)).toBe(false);
    expect((await load(cache))?.categories.comments).toMatchObject({ delivery: "digest", source: { delivery: "organization" } });
  });

  it("never serves a value read before an invalidation that happened while it was being read", async () => {
    const { org, r, ref } = await setup();
    const cache = cacheAt(redisUrl);
    const before = await cache.lookup([ref]);
    // A writer commits and invalidates between this reader's lookup and its write-back.
    await setChoice(org.organizationId, r.id, "comments", { enabled: false });
    await cache.invalidateRecipient(ref);
    const generations = before.generations.get(r.id);
    if (!generations) throw new Error("no generations read");
    await cache.store([{ ref, generations, preferences: { unsubscribedAll: false, categories: {} } }]);
    expect((await cache.lookup([ref])).hits.has(r.id)).toBe(false);
  });
});

describe("preference cache outage", () => {
  it.each([
    ["refuses connections", () => inject("closedCacheUrl")],
    ["accepts connections but never answers", () => inject("hungCacheUrl")],
  ])("reads PostgreSQL and keeps deciding when the cache %s", async (_name, url) => {
    const { org, r, load } = await setup();
    await setDefault(org.organizationId, "comments", { enabled: false });
    const cache = cacheAt(url(), 200);
    expect((await cache.lookup([{ organizationId: org.organizationId, recipientId: r.id }])).available).toBe(false);
    expect((await load(cache))?.categories.comments?.enabled).toBe(false);
    const [id] = await storeNotifications(org.organizationId, r.id, 1);
    const decision = await withServices(async (s) => (await decideNotifications(s, await claim(s, [id ?? ""]))).get(id ?? ""), { preferences: cache });
    expect(decision).toEqual({ action: "skip", rule: "organization_opt_out" });
  });
});
