import { describe, expect, it } from "vitest";
// The bench's own accounting: if it could not see a lost or doubled digest item, the digest
// scenario's "lost 0, duplicates 0" would mean nothing.
import { foldDigests } from "../../bench/lib/digest-ledger.mjs";

type Ledger = Parameters<typeof foldDigests>[0]["ledger"];

const POSTED_AT = 1_000;
const accepted = (ids: string[]) => new Map(ids.map((id) => [id, POSTED_AT]));
const digest = (id: string, items: string[], status = "sent"): Ledger["digests"][number] => ({
  id,
  status,
  item_count: items.length,
  notification_ids: items,
  failure_reason: null,
  open_seconds: 60,
});
const batched = (id: string, digestId: string): Ledger["notifications"][number] => ({ id, status: "batched", digest_id: digestId });

describe("the digest scenario's ledger", () => {
  it("counts an item as delivered when its digest's email reached the provider, at the digest's receipt time", () => {
    const result = foldDigests({
      accepted: accepted(["n1", "n2", "n3"]),
      byId: new Map([
        ["d1", [61_000]],
        ["n3", [2_000]],
      ]),
      digestTotals: new Map([["d1", 2]]),
      ledger: { notifications: [batched("n1", "d1"), batched("n2", "d1")], digests: [digest("d1", ["n1", "n2"])] },
      maxItems: 50,
    });
    expect(result.byNotification.get("n1")).toEqual([61_000]);
    expect(result.byNotification.get("n3")).toEqual([2_000]);
    expect(result.figures).toMatchObject({ events: 3, emails: 2, emailsOnTheirOwn: 1, digestEmails: 1, emailsPerEvent: 2 / 3, subjectCountMismatches: 0 });
    expect(result.figures.latencyViaDigestMs).toMatchObject({ n: 2, max: 60_000 });
  });

  it("leaves an item undelivered while its digest has not reached the provider, so the bench reports it lost", () => {
    const result = foldDigests({
      accepted: accepted(["n1"]),
      byId: new Map(),
      digestTotals: new Map(),
      ledger: { notifications: [batched("n1", "d1")], digests: [digest("d1", ["n1"], "queued")] },
      maxItems: 50,
    });
    expect(result.byNotification.has("n1")).toBe(false);
    expect(result.settledWithoutEmail.has("n1")).toBe(false);
  });

  it("gives every item two receipts when its digest was sent twice", () => {
    const result = foldDigests({
      accepted: accepted(["n1", "n2"]),
      byId: new Map([["d1", [61_000, 62_000]]]),
      digestTotals: new Map([["d1", 2]]),
      ledger: { notifications: [batched("n1", "d1"), batched("n2", "d1")], digests: [digest("d1", ["n1", "n2"])] },
      maxItems: 50,
    });
    expect(result.byNotification.get("n1")).toHaveLength(2);
    expect(result.figures.extraDigestReceipts).toBe(1);
  });

  it("reports an item that also went out on its own as delivered twice", () => {
    const result = foldDigests({
      accepted: accepted(["n1"]),
      byId: new Map([
        ["n1", [2_000]],
        ["d1", [61_000]],
      ]),
      digestTotals: new Map([["d1", 1]]),
      ledger: { notifications: [batched("n1", "d1")], digests: [digest("d1", ["n1"])] },
      maxItems: 50,
    });
    expect(result.byNotification.get("n1")).toEqual([2_000, 61_000]);
  });

  it("flags an item listed by two digests, and a digest whose rows disagree with the item", () => {
    const result = foldDigests({
      accepted: accepted(["n1", "n2"]),
      byId: new Map([
        ["d1", [61_000]],
        ["d2", [62_000]],
      ]),
      digestTotals: new Map([
        ["d1", 1],
        ["d2", 1],
      ]),
      ledger: { notifications: [batched("n1", "d1"), batched("n2", "d3")], digests: [digest("d1", ["n1", "n2"]), digest("d2", ["n1"])] },
      maxItems: 50,
    });
    expect(result.figures.itemsListedInTwoDigests).toBe(1);
    expect(result.figures.itemsWhoseDigestDisagrees).toBe(1);
  });

  it("catches a digest email whose subject announces a different count from the items it carried", () => {
    const result = foldDigests({
      accepted: accepted(["n1", "n2"]),
      byId: new Map([["d1", [61_000]]]),
      digestTotals: new Map([["d1", 3]]),
      ledger: { notifications: [batched("n1", "d1"), batched("n2", "d1")], digests: [digest("d1", ["n1", "n2"])] },
      maxItems: 50,
    });
    expect(result.figures.subjectCountMismatches).toBe(1);
    expect(result.figures.subjectCountMismatchSamples).toEqual([{ digest: "d1", announced: 3, carried: 2 }]);
  });

  it("settles items of a failed digest and of a skipped notification without an email", () => {
    const result = foldDigests({
      accepted: accepted(["n1", "n2"]),
      byId: new Map(),
      digestTotals: new Map(),
      ledger: { notifications: [batched("n1", "d1"), { id: "n2", status: "skipped", digest_id: null }], digests: [digest("d1", ["n1"], "failed")] },
      maxItems: 50,
    });
    expect([...result.settledWithoutEmail].sort()).toEqual(["n1", "n2"]);
    expect(result.figures.digestStatuses).toEqual({ failed: 1 });
  });

  it("counts windows that filled up to maxItems as closed by count", () => {
    const items = Array.from({ length: 5 }, (_, i) => `n${i}`);
    const result = foldDigests({
      accepted: accepted(items),
      byId: new Map([
        ["d1", [61_000]],
        ["d2", [62_000]],
      ]),
      digestTotals: new Map([
        ["d1", 3],
        ["d2", 2],
      ]),
      ledger: {
        notifications: items.map((id, i) => batched(id, i < 3 ? "d1" : "d2")),
        digests: [digest("d1", items.slice(0, 3)), digest("d2", items.slice(3))],
      },
      maxItems: 3,
    });
    expect(result.figures.closedByCount).toBe(1);
    expect(result.figures.itemsPerDigest).toMatchObject({ n: 2, max: 3 });
  });
});
