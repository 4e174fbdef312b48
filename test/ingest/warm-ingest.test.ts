import { neonConfig } from "@neondatabase/serverless";
import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { acceptEvent } from "../../src/ingest/accept-event";
import { forgetRecipientId } from "../../src/ingest/ingest-cache";
import { upsertEventType } from "../../src/operators/event-type-store";
import { emailHashKey } from "../../src/platform/crypto/email-hash";
import { sealingKeys } from "../../src/platform/crypto/sealing-keys";
import type { Database } from "../../src/platform/db/client";
import { eventTypes, notifications, recipients } from "../../src/platform/db/schema";
import { withDb } from "../fixtures/database";
import { createOrganization, testEnv, uniqueEmail } from "../fixtures/organization";
import { openedRecipient } from "../fixtures/sealed";

// Far ahead of every other file's clock: nothing here is due for a sweep.
const t0 = new Date("2031-02-01T12:00:00Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const CACHE_SECONDS = 5;

/** Counts the statements sent over HTTP (each is one round trip) while `fn` runs. */
async function roundTrips<T>(fn: () => Promise<T>): Promise<{ value: T; trips: number }> {
  let trips = 0;
  neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => {
    trips++;
    return fetch(input, init);
  };
  try {
    return { value: await fn(), trips };
  } finally {
    neonConfig.fetchFunction = undefined;
  }
}
afterEach(() => {
  neonConfig.fetchFunction = undefined;
});

async function post(db: Database, organizationId: string, recipient: { id: string; email: string; name?: string }, now: Date, idempotencyKey?: string) {
  const env = testEnv();
  const result = await acceptEvent(
    db,
    organizationId,
    { type: "comment.created", recipients: [recipient], data: { comment: "hi" }, ...(idempotencyKey ? { idempotencyKey } : {}) },
    { emailHashKey: await emailHashKey(env), emailHashKeyId: "k1", sealingKeys: await sealingKeys(env), now, eventTypeCacheSeconds: CACHE_SECONDS },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

async function recipientRows(db: Database, organizationId: string, externalId: string) {
  const rows = await db
    .select()
    .from(recipients)
    .where(and(eq(recipients.organizationId, organizationId), eq(recipients.externalId, externalId)));
  return Promise.all(rows.map((r) => openedRecipient(r)));
}

describe("ingest with the event type kept in the isolate", () => {
  it("writes an event of a type it has seen in one round trip, and looks the type up first when cold", async () => {
    const org = await createOrganization();
    await withDb(async (db) => {
      const cold = await roundTrips(() => post(db, org.organizationId, { id: "a", email: uniqueEmail("a") }, t0));
      const warm = await roundTrips(() => post(db, org.organizationId, { id: "b", email: uniqueEmail("b") }, later(1)));
      const known = await roundTrips(() => post(db, org.organizationId, { id: "a", email: uniqueEmail("a2") }, later(2)));
      expect(cold.trips).toBe(2);
      expect(warm.trips).toBe(1);
      // A recipient this isolate wrote before is written under its own row id without asking.
      expect(known.trips).toBe(1);
      expect(await recipientRows(db, org.organizationId, "a")).toHaveLength(1);
    });
  });

  it("sees a priority changed elsewhere only after EVENT_TYPE_CACHE_SECONDS, and a change saved here at once", async () => {
    const org = await createOrganization();
    await withDb(async (db) => {
      expect((await post(db, org.organizationId, { id: "p", email: uniqueEmail() }, t0)).priority).toBe("normal");
      // Another isolate (or SQL) makes the type high priority: this isolate does not know yet.
      await db
        .update(eventTypes)
        .set({ priority: "high" })
        .where(and(eq(eventTypes.organizationId, org.organizationId), eq(eventTypes.key, "comment.created")));
      expect((await post(db, org.organizationId, { id: "p", email: uniqueEmail() }, later(CACHE_SECONDS - 1))).priority).toBe("normal");
      expect((await post(db, org.organizationId, { id: "p", email: uniqueEmail() }, later(CACHE_SECONDS + 1))).priority).toBe("high");
      // Saved through this isolate: the next event follows, with no wait.
      const saved = await upsertEventType(db, org.organizationId, "comment.created", {
        template: "comment",
        category: "comments",
        priority: "normal",
        critical: false,
        retainContent: false,
      });
      expect(saved.ok).toBe(true);
      expect((await post(db, org.organizationId, { id: "p", email: uniqueEmail() }, later(CACHE_SECONDS + 2))).priority).toBe("normal");
    });
  });

  it("gives a recipient erased elsewhere a row of its own, with an address that opens, although this isolate kept the old row's id", async () => {
    const org = await createOrganization();
    await withDb(async (db) => {
      await post(db, org.organizationId, { id: "gone", email: uniqueEmail("old"), name: "Old" }, t0);
      const [before] = await recipientRows(db, org.organizationId, "gone");
      // An erase in another isolate: the row stays under a tombstone id; this isolate still holds its id.
      await db.execute(sql`UPDATE recipients SET external_id = 'erased:x', email = '', email_sealed = NULL, name = NULL, name_sealed = NULL WHERE id = ${before?.id}::uuid`);
      const email = uniqueEmail("new");
      const accepted = await post(db, org.organizationId, { id: "gone", email, name: "New" }, later(1));
      const rows = await recipientRows(db, org.organizationId, "gone");
      expect(rows).toHaveLength(1);
      expect(rows[0]?.id).not.toBe(before?.id);
      expect(rows[0]).toMatchObject({ email, name: "New" });
      const [note] = await db
        .select()
        .from(notifications)
        .where(eq(notifications.id, accepted.notifications[0]?.id ?? ""));
      expect(note?.recipientId).toBe(rows[0]?.id);
    });
  });

  it("writes a new address to a recipient another isolate created, sealed for that row, without a second row", async () => {
    const org = await createOrganization();
    await withDb(async (db) => {
      await post(db, org.organizationId, { id: "shared", email: uniqueEmail("first"), name: "First" }, t0);
      const [first] = await recipientRows(db, org.organizationId, "shared");
      // As if another isolate had written it: this one does not know the row's id.
      forgetRecipientId(org.organizationId, "shared");
      const email = uniqueEmail("second");
      const { trips } = await roundTrips(() => post(db, org.organizationId, { id: "shared", email }, later(1)));
      const rows = await recipientRows(db, org.organizationId, "shared");
      expect(rows).toHaveLength(1);
      // The event had no name: the recipient keeps theirs; the address and its hash follow the event.
      expect(rows[0]).toMatchObject({ id: first?.id, email, name: "First" });
      expect(rows[0]?.emailHash).not.toBe(first?.emailHash);
      expect(trips).toBe(2);
    });
  });

  it("writes nothing when the second write fails after an id proved wrong, so a retry with the same key sends to the new address", async () => {
    const org = await createOrganization();
    await withDb(async (db) => {
      await post(db, org.organizationId, { id: "moved", email: uniqueEmail("before") }, t0);
      const [first] = await recipientRows(db, org.organizationId, "moved");
      forgetRecipientId(org.organizationId, "moved");
      const email = uniqueEmail("after");
      // The first statement finds the id wrong and writes nothing; the database is gone for the second.
      let calls = 0;
      neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => {
        calls++;
        return calls === 2 ? Promise.reject(new Error("connection reset")) : fetch(input, init);
      };
      const failed = await post(db, org.organizationId, { id: "moved", email }, later(1), "move-1").catch((e: unknown) => e);
      neonConfig.fetchFunction = undefined;
      expect(failed).toBeInstanceOf(Error);
      expect(calls).toBe(2);
      const events = await db.execute(sql`SELECT id FROM events WHERE organization_id = ${org.organizationId}::uuid AND idempotency_key = 'move-1'`);
      expect(events.rows).toHaveLength(0);
      expect((await recipientRows(db, org.organizationId, "moved"))[0]).toMatchObject({ id: first?.id, email: first?.email });

      const retried = await post(db, org.organizationId, { id: "moved", email }, later(2), "move-1");
      expect(retried.duplicate).toBe(false);
      expect((await recipientRows(db, org.organizationId, "moved"))[0]).toMatchObject({ id: first?.id, email });
    });
  });
});
