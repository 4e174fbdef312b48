import { createExecutionContext, env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { apiKeyHash, forgetApiKey, generateApiKey, sha256Hex, verifyApiKeyCached } from "../../src/platform/auth/api-key";
import { apiKeys } from "../../src/platform/db/schema";
import { apiKeyId } from "../fixtures/audit";
import { withDb } from "../fixtures/database";
import { createOrganization } from "../fixtures/organization";

const t0 = new Date("2026-12-06T12:00:00Z");
const secondsLater = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

/** What another isolate or the CLI does: the row changes, this isolate is not told. */
const changeElsewhere = (id: string, change: Partial<{ revokedAt: Date; expiresAt: Date }>) => withDb((db) => db.update(apiKeys).set(change).where(eq(apiKeys.id, id)));

/** The request through the Worker with its look-up cache on. */
async function knock(key: string, path = "/v1/sending", method = "GET") {
  const res = await worker.fetch(
    new Request(`https://tidings.test${path}`, { method, headers: { authorization: `Bearer ${key}` } }),
    { ...env, API_KEY_CACHE_SECONDS: "60" },
    createExecutionContext(),
  );
  return { status: res.status, code: res.headers.get("tidings-error-code") };
}

describe("an isolate's look-ups of API keys", () => {
  it("keep serving a key revoked elsewhere for at most API_KEY_CACHE_SECONDS, then refuse it", async () => {
    const org = await createOrganization();
    const id = await apiKeyId(org.apiKey);
    await withDb(async (db) => {
      expect((await verifyApiKeyCached(db, org.apiKey, t0, 5)).ok).toBe(true);
      await changeElsewhere(id, { revokedAt: t0 });
      expect((await verifyApiKeyCached(db, org.apiKey, secondsLater(4.9), 5)).ok).toBe(true);
      expect(await verifyApiKeyCached(db, org.apiKey, secondsLater(5), 5)).toEqual({ ok: false, error: "revoked_key" });
    });
  });

  it("judge a kept key's expiry on every use, so a key expires on time even while it is kept", async () => {
    const org = await createOrganization();
    const id = await apiKeyId(org.apiKey);
    await changeElsewhere(id, { expiresAt: secondsLater(2) });
    await withDb(async (db) => {
      expect((await verifyApiKeyCached(db, org.apiKey, t0, 60)).ok).toBe(true);
      expect(await verifyApiKeyCached(db, org.apiKey, secondsLater(2), 60)).toEqual({ ok: false, error: "expired_key" });
    });
  });

  it("look the key up on every use when the cache is off, and again once the key is forgotten", async () => {
    const org = await createOrganization();
    const id = await apiKeyId(org.apiKey);
    await withDb(async (db) => {
      expect((await verifyApiKeyCached(db, org.apiKey, t0, 0)).ok).toBe(true);
      await changeElsewhere(id, { revokedAt: t0 });
      expect(await verifyApiKeyCached(db, org.apiKey, t0, 0)).toEqual({ ok: false, error: "revoked_key" });
      const other = await createOrganization();
      const otherId = await apiKeyId(other.apiKey);
      expect((await verifyApiKeyCached(db, other.apiKey, t0, 60)).ok).toBe(true);
      await changeElsewhere(otherId, { revokedAt: t0 });
      forgetApiKey(otherId);
      expect(await verifyApiKeyCached(db, other.apiKey, t0, 60)).toEqual({ ok: false, error: "revoked_key" });
    });
  });

  it("refuse a key revoked through the API at once, even with a minute's cache", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    expect((await knock(editor)).status).toBe(200);
    const revoked = await knock(org.apiKey, `/v1/api-keys/${await apiKeyId(editor)}`, "DELETE");
    expect(revoked.status).toBe(200);
    expect(await knock(editor)).toEqual({ status: 401, code: "KEY_REVOKED" });
  });
});

describe("the isolate's memo of presented keys' hashes", () => {
  it("gives every key its own SHA-256, also after more keys than it keeps have pushed the first ones out", async () => {
    const keys = Array.from({ length: 1_200 }, () => generateApiKey().key);
    for (const key of keys) expect(await apiKeyHash(key)).toBe(await sha256Hex(key));
    // Asked again: the oldest were evicted and are hashed afresh, the newest come from the memo.
    for (const key of [keys[0], keys[1], keys[1_199], keys[600]] as string[]) expect(await apiKeyHash(key)).toBe(await sha256Hex(key));
    // Strings not shaped like a key are hashed as well (and not kept).
    expect(await apiKeyHash("tid_abc")).toBe(await sha256Hex("tid_abc"));
    expect(await apiKeyHash("x".repeat(100_000))).toBe(await sha256Hex("x".repeat(100_000)));
  });
});
