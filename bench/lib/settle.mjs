// Waiting until every accepted notification is delivered or failed for good.

/** No progress for this long ends the wait early; the longest retry gap at the bench's RETRY_BASE_SECONDS is seconds. */
export const STALL_MS = 120_000;

/**
 * Settled, for the scenarios without digests: every notification is its own email, or failed for
 * good. `failedBefore`: notifications already failed when these were posted (a warm-up's), not theirs.
 * @param {{ receipts: ReturnType<typeof import("./receipts.mjs").createReceipts>, accepted: Map<string, number>, db: Awaited<ReturnType<typeof import("./db-state.mjs").openDbState>>, failedBefore?: number }} options
 */
export function settledOnTheirOwn({ receipts, accepted, db, failedBefore = 0 }) {
  let failed = 0;
  let lastDbCheck = 0;
  return async () => {
    let delivered = 0;
    for (const id of accepted.keys()) if (receipts.byId.has(id)) delivered++;
    // Failures are rare and need a query, so they are counted only every few seconds.
    if (delivered + failed < accepted.size && Date.now() - lastDbCheck > 3000) {
      failed = (await db.failedCount()) - failedBefore;
      lastDbCheck = Date.now();
    }
    return { delivered, failed };
  };
}

/**
 * Resolves true once every accepted notification was delivered or failed for good (the DLQ path),
 * false at the deadline or after `stallMs` without progress.
 * @param {{ settled: () => Promise<{ delivered: number, failed: number }>, total: number, deadline: number, stallMs: number, progress: (m: string) => void }} options
 */
export async function waitForDelivery({ settled, total, deadline, stallMs, progress }) {
  let lastReport = Date.now();
  let lastCount = -1;
  let lastChange = Date.now();
  while (Date.now() < deadline) {
    const { delivered, failed } = await settled();
    if (delivered + failed >= total) return true;
    if (delivered + failed !== lastCount) {
      lastCount = delivered + failed;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      progress(`nothing delivered or failed for ${stallMs / 1000} s: giving up`);
      return false;
    }
    if (Date.now() - lastReport > 10_000) {
      progress(`delivered ${delivered} of ${total}, failed ${failed}`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
