import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { resealPersonalData, type ResealReport } from "../../src/followup/reseal";
import { acceptEvent } from "../../src/ingest/accept-event";
import { hashEmail } from "../../src/platform/crypto/email-hash";
import { openEventData, openRecipient } from "../../src/platform/crypto/personal-data";
import { importSealingKey, type SealingKeys } from "../../src/platform/crypto/sealed-box";
import { events, recipients } from "../../src/platform/db/schema";
import { claimNotifications } from "../../src/send/claim";
import { createServices, type Services } from "../../src/services";
import { testHashKey } from "../fixtures/followup";
import { createOrganization, testEnv, uniqueEmail } from "../fixtures/organization";

const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

/** Services whose SECRETS_KEY (and SECRETS_KEY_PREVIOUS) are these, the cron's pass on with a small cap. */
async function withKeys<T>(current: string, previous: string | undefined, fn: (s: Services) => Promise<T>): Promise<T> {
  const services = createServices({ ...testEnv(), SECRETS_KEY: current, SECRETS_KEY_PREVIOUS: previous, RESEAL_RUN_LIMIT: 5000 });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

const PEOPLE = Array.from({ length: 5 }, (_, i) => ({ id: `person-${i}`, email: uniqueEmail(`reseal${i}`), name: `Person ${i}` }));
const dataOf = (i: number) => ({ author: "Grace", task: `Task ${i}`, comment: `Secret ${i}` });

/** Three events (more than one chunk of two) to the five people, written with `keys` (plain text without). */
async function storeEvents(s: Services, organizationId: string, keys: { sealingKeys?: SealingKeys; emailHashKey?: CryptoKey }) {
  const ids: { event: string; notifications: string[] }[] = [];
  for (let i = 0; i < 3; i++) {
    const stored = await acceptEvent(s.db, organizationId, { type: "comment.created", recipients: i === 0 ? PEOPLE : PEOPLE.slice(i), data: dataOf(i) }, keys);
    if (!stored.ok) throw new Error(JSON.stringify(stored.error));
    ids.push({ event: stored.value.eventId, notifications: stored.value.notifications.map((n) => n.id) });
  }
  return ids;
}

/** Runs the pass, two rows a chunk and two a run, until it reports nothing left; the reports of every run. */
async function resealUntilDone(s: Services, organizationId: string): Promise<ResealReport[]> {
  const reports: ResealReport[] = [];
  for (let run = 0; run < 20; run++) {
    const report = await resealPersonalData(s, { chunk: 2, limit: 2, organizationId });
    reports.push(report);
    if (report.unfinished === 0) return reports;
  }
  throw new Error("the pass did not finish in 20 runs");
}

const sum = (reports: ResealReport[], pick: (r: ResealReport) => number) => reports.reduce((n, r) => n + pick(r), 0);

async function storedRows(s: Services, organizationId: string) {
  return {
    people: await s.db.select().from(recipients).where(eq(recipients.organizationId, organizationId)),
    events: await s.db.select().from(events).where(eq(events.organizationId, organizationId)),
  };
}

describe("the re-seal pass", () => {
  it("leaves no value sealed under the old key after a rotation, in chunks over several runs, and everything reads the same throughout", async () => {
    const org = await createOrganization();
    const [k1, k2] = [newKey(), newKey()];
    const oldId = (await importSealingKey(k1)).id;
    const stored = await withKeys(k1, undefined, async (s) => storeEvents(s, org.organizationId, { sealingKeys: await s.keys.sealing(), emailHashKey: await testHashKey() }));

    await withKeys(k2, k1, async (s) => {
      // Rotated: the new key seals, the old one still opens what it sealed.
      const { claimed, unreadable } = await claimNotifications(s.db, stored[0]?.notifications ?? [], 120, await s.keys.sealing());
      expect(unreadable).toEqual([]);
      expect(claimed.map((c) => [c.recipient.email, c.recipient.name, c.data]).sort()).toEqual(PEOPLE.map((p) => [p.email, p.name, dataOf(0)]).sort());

      const before = JSON.stringify(await storedRows(s, org.organizationId));
      expect(before).toContain(`v1.${oldId}.`);
      const reports = await resealUntilDone(s, org.organizationId);
      expect(reports.length).toBeGreaterThanOrEqual(3);
      expect(sum(reports, (r) => r.recipients.resealed)).toBe(5);
      expect(sum(reports, (r) => r.events.resealed)).toBe(3);
      expect(sum(reports, (r) => r.recipients.unreadable + r.events.unreadable)).toBe(0);
      // Finished for this key: another run finds nothing to do.
      expect(await resealPersonalData(s, { chunk: 2, limit: 2, organizationId: org.organizationId })).toMatchObject({
        recipients: { resealed: 0 },
        events: { resealed: 0 },
        unfinished: 0,
      });
    });

    // The old key can now go: the new one alone opens every row.
    await withKeys(k2, undefined, async (s) => {
      const after = await storedRows(s, org.organizationId);
      expect(JSON.stringify(after)).not.toContain(`v1.${oldId}.`);
      const keys = await s.keys.sealing();
      for (const p of after.people) {
        const opened = await openRecipient(keys, org.organizationId, p.id, { email: { sealed: p.emailSealed, plain: p.email }, name: { sealed: p.nameSealed, plain: p.name } });
        expect(opened).toEqual({ ok: true, value: { email: PEOPLE.find((x) => x.id === p.externalId)?.email, name: PEOPLE.find((x) => x.id === p.externalId)?.name } });
      }
      for (const [i, ids] of stored.entries()) {
        const e = after.events.find((x) => x.id === ids.event);
        expect(await openEventData(keys, org.organizationId, ids.event, { sealed: e?.dataSealed ?? null, plain: e?.data ?? {} })).toEqual({ ok: true, value: dataOf(i) });
      }
    });
  });

  it("seals rows still in plain text and gives recipients without an address hash one, in chunks over several runs", async () => {
    const org = await createOrganization();
    const key = newKey();
    const stored = await withKeys(key, undefined, (s) => storeEvents(s, org.organizationId, {}));

    await withKeys(key, undefined, async (s) => {
      const plain = await storedRows(s, org.organizationId);
      expect(plain.people.every((p) => p.email !== null && p.emailSealed === null && p.emailHash === null)).toBe(true);
      const reports = await resealUntilDone(s, org.organizationId);
      expect(reports.length).toBeGreaterThanOrEqual(3);
      expect(sum(reports, (r) => r.recipients.sealed)).toBe(5);
      expect(sum(reports, (r) => r.recipients.hashed)).toBe(5);
      expect(sum(reports, (r) => r.events.sealed)).toBe(3);

      const after = await storedRows(s, org.organizationId);
      const keys = await s.keys.sealing();
      // Without EMAIL_HASH_KEY these services hash under SECRETS_KEY, as ingest with them would.
      const hashKey = await s.keys.emailHash();
      if (!hashKey) throw new Error("a hash key");
      for (const p of after.people) {
        const person = PEOPLE.find((x) => x.id === p.externalId);
        expect({ email: p.email, name: p.name, emailHash: p.emailHash }).toEqual({ email: null, name: null, emailHash: await hashEmail(hashKey, person?.email ?? "") });
        const opened = await openRecipient(keys, org.organizationId, p.id, { email: { sealed: p.emailSealed, plain: null }, name: { sealed: p.nameSealed, plain: null } });
        expect(opened).toEqual({ ok: true, value: { email: person?.email, name: person?.name } });
      }
      for (const [i, ids] of stored.entries()) {
        const e = after.events.find((x) => x.id === ids.event);
        expect(e?.data).toEqual({});
        expect(await openEventData(keys, org.organizationId, ids.event, { sealed: e?.dataSealed ?? null, plain: {} })).toEqual({ ok: true, value: dataOf(i) });
      }
    });
  });
});
