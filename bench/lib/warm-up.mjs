import { postEvents } from "./load.mjs";
import { STALL_MS, settledOnTheirOwn, waitForDelivery } from "./settle.mjs";

const LOG_GRACE_MS = 1000;

/**
 * `--warm-up`: posts `count` events of the run's own kind (`eventAt`, under their own run id, so
 * other addresses and idempotency keys) with `concurrency` in flight, and waits until each was
 * delivered or failed, so that the measured run starts on a warm isolate (modules loaded and
 * compiled, connections open, look-ups cached) instead of timing its cold start. Nothing of it
 * is in the measured figures (the log's queue batches and renders are restarted after it); its
 * notifications are still checked for loss and duplicates.
 * @param {{ port: number, apiKey: string, count: number, concurrency: number, deadline: number, eventAt: (i: number) => import("./load.mjs").BenchEvent,
 *   receipts: ReturnType<typeof import("./receipts.mjs").createReceipts>, db: Awaited<ReturnType<typeof import("./db-state.mjs").openDbState>>,
 *   log: ReturnType<typeof import("./wrangler-log.mjs").createLogReader>, progress: (m: string) => void }} o
 */
export async function warmUp({ port, apiKey, count, concurrency, deadline, eventAt, receipts, db, log, progress }) {
  progress(`warm-up: ${count} events, ${concurrency} at a time …`);
  const run = await postEvents({ port, apiKey, n: count, concurrency, runId: "unused", deadline, eventAt });
  const settled = await waitForDelivery({ settled: settledOnTheirOwn({ receipts, accepted: run.postedAt, db }), total: run.postedAt.size, deadline, stallMs: STALL_MS, progress });
  if (!settled) throw new Error(`the warm-up's ${run.postedAt.size} notifications were not all delivered or failed`);
  progress(`warm-up: ${run.events} events accepted and settled`);
  // A batch's log line comes after its sends have reached the fake.
  await new Promise((resolve) => setTimeout(resolve, LOG_GRACE_MS));
  log.restart();
  return { ids: new Set(run.postedAt.keys()), failedBefore: await db.failedCount() };
}

/**
 * Splits the end-of-run receipts and failures into the warm-up's and the measured run's, and checks
 * the warm-up's notifications: lost (neither delivered nor failed) and duplicates, as for the run's.
 * @param {Set<string>} ids  the warm-up's notification ids
 * @param {Map<string, number[]>} byId @param {Set<string>} failedIds
 */
export function splitWarmUp(ids, byId, failedIds) {
  const figures = { accepted: ids.size, delivered: 0, failed: 0, lost: 0, duplicates: 0 };
  for (const id of ids) {
    const times = byId.get(id);
    if (failedIds.has(id)) figures.failed++;
    if (times) figures.delivered++;
    else if (!failedIds.has(id)) figures.lost++;
    if (times && times.length > 1) figures.duplicates++;
  }
  return {
    figures,
    byId: new Map([...byId].filter(([id]) => !ids.has(id))),
    failedIds: new Set([...failedIds].filter((id) => !ids.has(id))),
  };
}
