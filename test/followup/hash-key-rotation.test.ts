import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { isSuppressed } from "../../src/decide/suppression-check";
import { suppressAddresses } from "../../src/followup/effects";
import { addManualSuppression, listSuppressions, removeSuppression } from "../../src/followup/suppression-store";
import { emailHashKeys, hashEmail } from "../../src/platform/crypto/email-hash";
import { createServices, type Services } from "../../src/services";
import { createOrganization, testEnv, uniqueEmail } from "../fixtures/organization";

const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

/** Services whose EMAIL_HASH_KEY (and EMAIL_HASH_KEY_PREVIOUS) are these. */
async function withHashKeys<T>(current: string, previous: string | undefined, fn: (s: Services) => Promise<T>): Promise<T> {
  const services = createServices({ ...testEnv(), EMAIL_HASH_KEY: current, EMAIL_HASH_KEY_PREVIOUS: previous });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

describe("rotating EMAIL_HASH_KEY", () => {
  it("keeps a hard-bounced address suppressed under the new key while the old one is EMAIL_HASH_KEY_PREVIOUS", async () => {
    const org = await createOrganization();
    const [a, b] = [newKey(), newKey()];
    const email = uniqueEmail("bounced");
    const keyA = (await emailHashKeys({ EMAIL_HASH_KEY: a }))?.current ?? expect.fail("key A");
    await withHashKeys(a, undefined, async (s) => {
      await suppressAddresses(s.db, [
        { organizationId: org.organizationId, emailHash: await hashEmail(keyA.key, email), emailHashKeyId: keyA.id, detail: null, reason: "hard_bounce" },
      ]);
      expect(await isSuppressed(s, { organizationId: org.organizationId, email, critical: true })).toEqual({ ok: true, value: { reason: "hard_bounce" } });
    });

    await withHashKeys(b, a, async (s) => {
      // Critical mail too: nothing overrides a hard bounce.
      expect(await isSuppressed(s, { organizationId: org.organizationId, email, critical: true })).toEqual({ ok: true, value: { reason: "hard_bounce" } });
      const keys = (await s.keys.emailHashes()) ?? expect.fail("hash keys");
      // Found by address in the list, and a manual entry does not start a second row or downgrade it.
      const added = await addManualSuppression(s.db, keys, org.organizationId, email, "again");
      expect(added).toMatchObject({ created: false, entry: { reason: "hard_bounce", emailHash: await hashEmail(keyA.key, email) } });
      const page = await listSuppressions(s.db, org.organizationId, { limit: 10 });
      expect(page.entries).toHaveLength(1);
      expect(await removeSuppression(s.db, keys, org.organizationId, email, false)).toEqual({ ok: false, error: { code: "PROTECTED", reason: "hard_bounce" } });
    });

    // The previous key is what finds it: with the new key alone the old entry is orphaned.
    await withHashKeys(b, undefined, async (s) => {
      expect(await isSuppressed(s, { organizationId: org.organizationId, email })).toEqual({ ok: true, value: undefined });
    });
  });

  it("stores the id of the key that made each hash, and new entries go under the current key", async () => {
    const org = await createOrganization();
    const [a, b] = [newKey(), newKey()];
    const email = uniqueEmail("manual");
    await withHashKeys(b, a, async (s) => {
      const keys = (await s.keys.emailHashes()) ?? expect.fail("hash keys");
      const added = await addManualSuppression(s.db, keys, org.organizationId, email, null);
      expect(added).toMatchObject({ created: true, entry: { reason: "manual", emailHash: await hashEmail(keys.current.key, email) } });
      const rows = await s.db.execute<{ email_hash_key_id: string }>(sql`SELECT email_hash_key_id FROM suppressions WHERE organization_id = ${org.organizationId}::uuid`);
      expect(rows.rows).toEqual([{ email_hash_key_id: keys.current.id }]);
      expect(keys.previous?.id).not.toBe(keys.current.id);
    });
  });
});
