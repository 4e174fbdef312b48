/**
 * Round trips and PGlite busy time per event (ingest) and per consumer batch (delivery), split at
 * the release in the depth scenario; over the whole run otherwise. Against a server only round
 * trips and connections are known (counted at the bridge).
 * @param {{ dbAtStart: any, dbAtRelease: any, dbAtEnd: any, ingest: import("./load.mjs").IngestResult, releasedAt?: number, figures: ReturnType<typeof import("./figures.mjs").computeFigures> }} p
 */
export function databaseProfile({ dbAtStart, dbAtRelease, dbAtEnd, ingest, releasedAt, figures }) {
  if (!dbAtStart || !dbAtEnd) return undefined;
  const diff = (/** @type {any} */ a, /** @type {any} */ b) => ({
    connections: b.connections - a.connections,
    roundTrips: b.roundTrips - a.roundTrips,
    execMs: b.execMs - a.execMs,
  });
  const batches = Object.entries(figures.queues)
    .filter(([name]) => !figures.heldQueues.includes(name))
    .reduce((n, [, q]) => n + q.batches, 0);
  const per = (/** @type {any} */ d, /** @type {number} */ count, /** @type {number} */ ms) => ({
    ...d,
    roundTripsPerUnit: d.roundTrips / count,
    connectionsPerUnit: d.connections / count,
    execMsPerUnit: d.execMs / count,
    busyPercent: (d.execMs * 100) / ms,
  });
  const lastReceipt = ingest.startedAt + (figures.delivery.firstPostToLastReceiptSeconds ?? 0) * 1000;
  if (!dbAtRelease || releasedAt === undefined) {
    return { wholeRun: { unit: "event", ...per(diff(dbAtStart, dbAtEnd), ingest.events, lastReceipt - ingest.startedAt) } };
  }
  return {
    ingest: { unit: "event", ...per(diff(dbAtStart, dbAtRelease), ingest.events, releasedAt - ingest.startedAt) },
    delivery: { unit: "consumer batch", ...per(diff(dbAtRelease, dbAtEnd), batches, lastReceipt - releasedAt) },
  };
}
