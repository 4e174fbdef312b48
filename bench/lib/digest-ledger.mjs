import { summarize } from "./stats.mjs";

/**
 * The digest scenario's accounting. The provider sees a digest as one email carrying the digest's
 * id, so an item's receipt is its digest's receipt; which items a digest carried comes from the
 * database (notifications.digest_id and digests.notification_ids, which must agree), and the
 * count the email's own subject announces is checked against it, so a digest that went out with
 * fewer items than it claims is caught at the provider, not only in our own rows.
 *
 * @typedef {Awaited<ReturnType<Awaited<ReturnType<typeof import("./db-state.mjs").openDbState>>["digestLedger"]>>} Ledger
 */

/**
 * @param {{ accepted: Map<string, number>, byId: Map<string, number[]>, digestTotals: Map<string, number>, ledger: Ledger, maxItems: number }} input
 * @returns {{ byNotification: Map<string, number[]>, settledWithoutEmail: Set<string>, figures: Record<string, any> }}
 *   byNotification: accepted notification → receipt times of every email that carried it (its own
 *   or a digest), so two entries mean it reached the recipient twice; settledWithoutEmail: items
 *   that ended failed or skipped with a reason (their own row's, or their digest's)
 */
export function foldDigests({ accepted, byId, digestTotals, ledger, maxItems }) {
  const digests = new Map(ledger.digests.map((d) => [d.id, d]));
  const rows = new Map(ledger.notifications.map((n) => [n.id, n]));
  /** Which digests list each notification: an item listed by two digests is a duplicate even if only one was sent yet. */
  /** @type {Map<string, string[]>} */
  const listedIn = new Map();
  for (const d of ledger.digests) for (const id of d.notification_ids) listedIn.set(id, [...(listedIn.get(id) ?? []), d.id]);

  /** @type {Map<string, number[]>} */
  const byNotification = new Map();
  const settledWithoutEmail = new Set();
  /** @type {Map<string, number>} digest id → accepted items it carried */
  const carried = new Map();
  /** @type {number[]} */
  const ownLatency = [];
  /** @type {number[]} */
  const digestLatency = [];
  let onTheirOwn = 0;
  let batched = 0;
  let listedTwice = 0;
  let disagreeing = 0;
  for (const [id, postedAt] of accepted) {
    /** @type {number[]} */
    const times = [...(byId.get(id) ?? [])];
    if (times.length) {
      onTheirOwn++;
      ownLatency.push(Math.min(...times) - postedAt);
    }
    const row = rows.get(id);
    const lists = listedIn.get(id) ?? [];
    if (lists.length > 1) listedTwice++;
    if (row?.digest_id && !lists.includes(row.digest_id)) disagreeing++;
    for (const digestId of lists) {
      const receipt = byId.get(digestId);
      // Only items still marked batched into this digest are in its email (deliver-digest.ts).
      if (!receipt || row?.status !== "batched" || row.digest_id !== digestId) continue;
      times.push(...receipt);
      digestLatency.push(Math.min(...receipt) - postedAt);
      batched++;
      carried.set(digestId, (carried.get(digestId) ?? 0) + 1);
    }
    if (times.length) byNotification.set(id, times);
    const digest = row?.digest_id ? digests.get(row.digest_id) : undefined;
    if (row?.status === "failed" || row?.status === "skipped" || (digest && ["failed", "skipped"].includes(digest.status))) settledWithoutEmail.add(id);
  }

  const sent = [...digests.values()].filter((d) => byId.has(d.id));
  const sizes = sent.map((d) => carried.get(d.id) ?? 0);
  const announcedWrong = sent
    .filter((d) => digestTotals.get(d.id) !== (carried.get(d.id) ?? 0))
    .map((d) => ({ digest: d.id, announced: digestTotals.get(d.id), carried: carried.get(d.id) ?? 0 }));
  const unexpected = [...byId.keys()].filter((id) => !accepted.has(id) && !digests.has(id)).length;
  const digestReceipts = sent.reduce((n, d) => n + (byId.get(d.id)?.length ?? 0), 0);
  const emails = onTheirOwn + sent.length;
  const events = accepted.size;
  /** @type {Record<string, number>} */
  const digestStatuses = {};
  for (const d of digests.values()) digestStatuses[d.status] = (digestStatuses[d.status] ?? 0) + 1;

  return {
    byNotification,
    settledWithoutEmail,
    figures: {
      events,
      emails,
      emailsOnTheirOwn: onTheirOwn,
      digestEmails: sent.length,
      extraDigestReceipts: digestReceipts - sent.length,
      itemsBatchedAndSent: batched,
      emailsPerEvent: events ? emails / events : undefined,
      eventsPerEmail: emails ? events / emails : undefined,
      itemsPerDigest: summarize(sizes),
      latencyOnTheirOwnMs: summarize(ownLatency),
      latencyViaDigestMs: summarize(digestLatency),
      closedByCount: sizes.filter((n) => n >= maxItems).length,
      windowOpenSeconds: summarize(sent.map((d) => d.open_seconds ?? 0)),
      digestStatuses,
      itemsListedInTwoDigests: listedTwice,
      itemsWhoseDigestDisagrees: disagreeing,
      subjectCountMismatches: announcedWrong.length,
      subjectCountMismatchSamples: announcedWrong.slice(0, 5),
      settledWithoutEmail: settledWithoutEmail.size,
      unexpectedReceipts: unexpected,
    },
  };
}

/**
 * Settled = reached the provider (on its own or in a digest) or ended failed/skipped; refreshes the
 * ledger from the database at most every `refreshMs`, since it is one query per table.
 * @param {{ db: Awaited<ReturnType<typeof import("./db-state.mjs").openDbState>>, receipts: ReturnType<typeof import("./receipts.mjs").createReceipts>, accepted: Map<string, number>, maxItems: number, refreshMs?: number }} options
 */
export function createDigestTracker({ db, receipts, accepted, maxItems, refreshMs = 2000 }) {
  /** @type {Ledger} */
  let ledger = { notifications: [], digests: [] };
  let refreshedAt = 0;
  const fold = () => foldDigests({ accepted, byId: receipts.byId, digestTotals: receipts.digestTotals, ledger, maxItems });
  return {
    /** @returns {Promise<{ delivered: number, failed: number }>} */
    async settled() {
      if (Date.now() - refreshedAt > refreshMs) {
        ledger = await db.digestLedger();
        refreshedAt = Date.now();
      }
      const { byNotification, settledWithoutEmail } = fold();
      let failed = 0;
      for (const id of settledWithoutEmail) if (!byNotification.has(id)) failed++;
      return { delivered: byNotification.size, failed };
    },
    async final() {
      ledger = await db.digestLedger();
      return fold();
    },
  };
}
