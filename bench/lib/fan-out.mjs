import { makeEvent } from "./events.mjs";

/**
 * The fan-out scenario's events: the default mix, each to `perEvent` recipients of its own.
 * @param {string} runId @param {number} perEvent
 */
export const fanOutEvent = (runId, perEvent) => (/** @type {number} */ i) => makeEvent(i, runId, { perEvent });

/**
 * Recipients (notifications) per second into the service and out to the provider, emails per
 * second at the provider (every accepted send, duplicates included), and the Worker's CPU per
 * recipient delivered and per event ingested.
 * @param {{ ingest: import("./load.mjs").IngestResult, figures: ReturnType<typeof import("./figures.mjs").computeFigures>, providerAccepted: number }} p
 */
export function fanOutFigures({ ingest, figures, providerAccepted }) {
  const ingestMs = ingest.endedAt - ingest.startedAt;
  const windowS = figures.delivery.windowSeconds;
  const workerCpuS = figures.cpuSeconds.worker;
  return {
    recipientsPerEvent: ingest.events ? ingest.postedAt.size / ingest.events : undefined,
    recipientsIngestedPerSecond: ingestMs > 0 ? (ingest.postedAt.size * 1000) / ingestMs : undefined,
    recipientsDeliveredPerSecond: figures.delivery.perSecond,
    emailsPerSecond: windowS && providerAccepted > 1 ? (providerAccepted - 1) / windowS : undefined,
    workerCpuMsPerRecipient: figures.delivery.delivered ? (workerCpuS * 1000) / figures.delivery.delivered : undefined,
    workerCpuMsPerEvent: ingest.events ? (workerCpuS * 1000) / ingest.events : undefined,
  };
}
