import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, notifications, recipients } from "../../src/platform/db/schema";
import { acceptEvent } from "../../src/ingest/accept-event";
import type { Services } from "../../src/services";
import { createOrganization, testEnv, uniqueEmail } from "../fixtures/organization";
import { withServices } from "../fixtures/services";
import { testHashKey } from "../fixtures/followup";
import { openedEventData, openedRecipient } from "../fixtures/sealed";
import { sealingKeys } from "../../src/platform/crypto/sealing-keys";

/** Strings that break naive array literals, JSON or quoting: the write is one statement built from JSON. */
const AWKWARD = ['O\'Brien, "Bob"', "back\\slash", "{braces},[brackets]", "NULL", "emoji 🚀 and ümlauts", "tab\tand\nnewline", ""];

const withDb = <T>(fn: (db: Services["db"]) => Promise<T>) => withServices((s) => fn(s.db));

describe("accepting an event", () => {
  it("stores a thousand recipients exactly as given, awkward names included, with one queued notification each in request order", async () => {
    const org = await createOrganization();
    const people = Array.from({ length: 1000 }, (_, i) => ({
      id: `person-${i}-${AWKWARD[i % AWKWARD.length]}`,
      email: uniqueEmail(`bulk${i}`),
      ...(i % 3 === 0 ? {} : { name: AWKWARD[i % AWKWARD.length] ?? "" }),
      ...(i % 4 === 0 ? { locale: "pt-BR", timezone: "America/Sao_Paulo" } : {}),
    }));
    const data = { author: AWKWARD[0], comment: AWKWARD.join(" | "), nested: { list: AWKWARD, n: 1.5, ok: true, none: null } };
    const result = await withDb((db) => acceptEvent(db, org.organizationId, { type: "comment.created", recipients: people, data }, { emailHashKey: undefined }));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.notifications.map((n) => n.recipientId)).toEqual(people.map((p) => p.id));

    const stored = await withDb(async (db) => ({
      people: await db.select().from(recipients).where(eq(recipients.organizationId, org.organizationId)),
      notes: await db.select().from(notifications).where(eq(notifications.eventId, result.value.eventId)),
      event: (await db.select().from(events).where(eq(events.id, result.value.eventId)))[0],
    }));
    const byExternal = new Map(stored.people.map((p) => [p.externalId, p]));
    for (const p of people) {
      expect(byExternal.get(p.id)).toMatchObject({ email: p.email, name: p.name ?? null, locale: p.locale ?? null, timezone: p.timezone ?? null, emailHash: null });
    }
    expect(stored.notes).toHaveLength(1000);
    expect(new Set(stored.notes.map((n) => n.id))).toEqual(new Set(result.value.notifications.map((n) => n.id)));
    expect(stored.notes.every((n) => n.status === "queued" && n.priority === "normal")).toBe(true);
    expect(new Set(stored.notes.map((n) => n.recipientId))).toEqual(new Set(stored.people.map((p) => p.id)));
    expect(stored.event?.data).toEqual(data);
  });

  it("seals a thousand recipients' addresses and names and the event's data, awkward ones included, which open exactly as given", async () => {
    const org = await createOrganization();
    const people = Array.from({ length: 1000 }, (_, i) => ({
      id: `sealed-${i}-${AWKWARD[i % AWKWARD.length]}`,
      email: uniqueEmail(`sealed${i}`),
      ...(i % 3 === 0 ? {} : { name: AWKWARD[i % AWKWARD.length] ?? "" }),
    }));
    const data = { author: AWKWARD[0], comment: AWKWARD.join(" | "), nested: { list: AWKWARD, n: 1.5, ok: true, none: null } };
    const keys = { emailHashKey: await testHashKey(), sealingKeys: await sealingKeys(testEnv()) };
    const result = await withDb((db) => acceptEvent(db, org.organizationId, { type: "comment.created", recipients: people, data }, keys));
    if (!result.ok) throw new Error(JSON.stringify(result.error));

    const stored = await withDb(async (db) => ({
      people: await db.select().from(recipients).where(eq(recipients.organizationId, org.organizationId)),
      event: (await db.select().from(events).where(eq(events.id, result.value.eventId)))[0],
    }));
    expect(stored.people.every((p) => p.email === null && p.name === null && p.emailSealed?.startsWith("v1.") && p.emailHash)).toBe(true);
    const byExternal = new Map(await Promise.all(stored.people.map(async (p) => [p.externalId, await openedRecipient(p)] as const)));
    for (const p of people) expect(byExternal.get(p.id)).toMatchObject({ email: p.email, name: p.name ?? null });
    expect(stored.event?.data).toEqual({});
    expect(await openedEventData(stored.event ?? expect.fail("no event"))).toEqual(data);
  });

  it("keeps a known recipient's row id when it seals their new address, so the sealed values open against that row", async () => {
    const org = await createOrganization();
    const keys = { emailHashKey: await testHashKey(), sealingKeys: await sealingKeys(testEnv()) };
    const moved = uniqueEmail("moved");
    await withDb((db) => acceptEvent(db, org.organizationId, { type: "comment.created", recipients: [{ id: "u1", email: uniqueEmail("first"), name: "Ada" }], data: {} }, keys));
    await withDb((db) => acceptEvent(db, org.organizationId, { type: "comment.created", recipients: [{ id: "u1", email: moved }], data: {} }, keys));
    const rows = await withDb((db) => db.select().from(recipients).where(eq(recipients.organizationId, org.organizationId)));
    expect(rows).toHaveLength(1);
    expect(await openedRecipient(rows[0] ?? expect.fail("no recipient"))).toMatchObject({ email: moved, name: "Ada" });
  });

  it("keeps a known recipient's id, name and address hash on the next event, and fills what it did not know", async () => {
    const org = await createOrganization();
    const key = await testHashKey();
    const email = uniqueEmail("known");
    const first = await withDb((db) =>
      acceptEvent(db, org.organizationId, { type: "comment.created", recipients: [{ id: "u1", email, name: "Ada" }], data: {} }, { emailHashKey: key }),
    );
    const [before] = await withDb((db) => db.select().from(recipients).where(sql`${recipients.organizationId} = ${org.organizationId}::uuid AND ${recipients.externalId} = 'u1'`));
    const second = await withDb((db) => acceptEvent(db, org.organizationId, { type: "comment.created", recipients: [{ id: "u1", email, timezone: "Asia/Tokyo" }], data: {} }));
    expect(first.ok && second.ok).toBe(true);
    const [after] = await withDb((db) => db.select().from(recipients).where(sql`${recipients.organizationId} = ${org.organizationId}::uuid AND ${recipients.externalId} = 'u1'`));
    expect(before?.emailHash).toMatch(/./);
    expect(after).toMatchObject({ id: before?.id, name: "Ada", emailHash: before?.emailHash, timezone: "Asia/Tokyo" });
  });
});
