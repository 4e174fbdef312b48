import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { DigestWindow } from "../../src/digest/digest-window";
import type { DigestScheduleInput } from "../../src/decide/preferences/model";
import { createOrganization } from "../fixtures/organization";
import { createRecipient, digestsOf, windowStub } from "../fixtures/preferences";

const ids = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());

async function setup(schedule: DigestScheduleInput) {
  const org = await createOrganization();
  const recipient = await createRecipient(org.organizationId);
  const key = { organizationId: org.organizationId, recipientId: recipient.id, category: "comments" };
  const stub = windowStub(org.organizationId, recipient.id, "comments");
  const add = (notificationIds: string[], now?: number) => stub.add({ key, schedule, timeZone: "UTC", notificationIds, ...(now ? { now } : {}) });
  return { org, recipient, stub, add };
}

/** Stands in for time passing: the open window's end moves into the past. */
async function makeDue(stub: DurableObjectStub<DigestWindow>) {
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec("UPDATE window SET due_at = ?", Date.now() - 1);
  });
}

/** The closed digest rows of a recipient once the window's outbox is written (the close is asynchronous). */
const closedDigests = (recipientId: string, count: number) =>
  vi.waitFor(
    async () => {
      const rows = (await digestsOf(recipientId)).filter((d) => d.status !== "open");
      if (rows.length < count) throw new Error(`${rows.length} closed digests, waiting for ${count}`);
      return rows;
    },
    { timeout: 10_000, interval: 50 },
  );

describe("DigestWindow", () => {
  it("opens at the first item, registers the open window for cron, and its alarm closes it into one digest", async () => {
    const { recipient, stub, add } = await setup({ kind: "window", minutes: 60 });
    const items = ids(3);
    const placed = await add(items.slice(0, 1));
    await add(items.slice(1));
    const state = await stub.state();
    expect(state.window?.registered).toBe(true);
    expect(state.items).toEqual(items);
    expect(placed[0]?.digestId).toBe(state.window?.digestId);
    const [open] = await digestsOf(recipient.id);
    expect(open).toMatchObject({ id: state.window?.digestId, status: "open", kind: "window" });

    await makeDue(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [digest] = await closedDigests(recipient.id, 1);
    expect(digest).toMatchObject({ id: state.window?.digestId, notificationIds: items, itemCount: 3 });
    expect(await stub.state()).toEqual({ window: null, items: [], outbox: [] });
  });

  it("keeps the window open when its alarm fires before the window is due", async () => {
    const { recipient, stub, add } = await setup({ kind: "window", minutes: 60 });
    await add(ids(2));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const state = await stub.state();
    expect(state.items).toHaveLength(2);
    expect(state.window).not.toBeNull();
    expect((await digestsOf(recipient.id)).map((d) => d.status)).toEqual(["open"]);
  });

  it("closes early at the maximum item count, once, even when the alarm fires afterwards", async () => {
    const { recipient, stub, add } = await setup({ kind: "window", minutes: 60, maxItems: 3 });
    const first = ids(3);
    const placements = await add(first);
    expect(new Set(placements.map((p) => p.digestId)).size).toBe(1);
    expect((await stub.state()).window).toBeNull();

    await runDurableObjectAlarm(stub);
    const next = await add(ids(1));
    expect(next[0]?.digestId).not.toBe(placements[0]?.digestId);
    const closed = await closedDigests(recipient.id, 1);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.notificationIds).toEqual(first);
  });

  it("in burst mode sends the first item at once and batches only what follows within the window", async () => {
    const { recipient, stub, add } = await setup({ kind: "window", minutes: 30, burst: true });
    const [a, b, c] = ids(3) as [string, string, string];
    expect(await add([a])).toEqual([{ notificationId: a, digestId: null }]);
    const followers = await add([b, c]);
    expect(followers.every((p) => p.digestId !== null)).toBe(true);

    const { digestId } = await stub.flush({});
    const [digest] = await closedDigests(recipient.id, 1);
    expect(digest).toMatchObject({ id: digestId, notificationIds: [b, c] });
    // The window is over: the next item starts a new quiet period and goes out at once again.
    const [d] = ids(1) as [string];
    expect(await add([d])).toEqual([{ notificationId: d, digestId: null }]);
  });

  it("closes a burst window that held only the item sent at once without any digest", async () => {
    const { recipient, stub, add } = await setup({ kind: "window", minutes: 30, burst: true });
    await add(ids(1));
    await makeDue(stub);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toEqual({ window: null, items: [], outbox: [] });
    expect(await digestsOf(recipient.id)).toEqual([]);
  });

  it("puts 100 concurrent items for one key into exactly one digest holding all 100", async () => {
    const { recipient, stub, add } = await setup({ kind: "window", minutes: 60, maxItems: 100 });
    const items = ids(100);
    const placements = (await Promise.all(items.map((id) => add([id])))).flat();
    expect(new Set(placements.map((p) => p.digestId)).size).toBe(1);

    const closed = await closedDigests(recipient.id, 1);
    expect(closed).toHaveLength(1);
    expect(new Set(closed[0]?.notificationIds)).toEqual(new Set(items));
    expect(closed[0]?.itemCount).toBe(100);
    expect(await stub.state()).toEqual({ window: null, items: [], outbox: [] });
  });

  it("counts an item added twice once", async () => {
    const { stub, add } = await setup({ kind: "window", minutes: 60 });
    const [a] = ids(1) as [string];
    const [first] = await add([a]);
    const [again] = await add([a]);
    expect(again?.digestId).toBe(first?.digestId);
    expect((await stub.state()).items).toEqual([a]);
  });
});
