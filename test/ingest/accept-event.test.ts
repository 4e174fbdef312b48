import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, notifications, recipients } from "../../src/platform/db/schema";
import { acceptEvent } from "../../src/ingest/accept-event";
import type { Services } from "../../src/services";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { withServices } from "../fixtures/services";
import { testHashKey } from "../fixtures/followup";

/** Strings that break naive array literals, JSON or quoting: the write is one statement built from JSON. */
const AWKWARD = ['O\'Brien, "Bob"', "back\\slash", "{braces},[brackets]", "NULL", "emoji 🚀 and ümlauts", "tab\tand\nnewline", ""];

const withDb = <T>(fn: (db: Services["db"]) => Promise<T>) => withServices((s) => fn(s.db));

describe("accepting an event", () => {
  it("stores a thousand recipients exactly as given, awkward names included, with one pending notification each in request order", async () => {
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
    expect(stored.notes.every((n) => n.status === "pending" && n.priority === "normal")).toBe(true);
    expect(new Set(stored.notes.map((n) => n.recipientId))).toEqual(new Set(stored.people.map((p) => p.id)));
    expect(stored.event?.data).toEqual(data);
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
