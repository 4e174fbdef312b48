import { percentile, rate, summarize } from "./stats.mjs";

/**
 * Turns what was recorded into the reported figures.
 * @param {{ ingest: import("./load.mjs").IngestResult, byId: Map<string, number[]>, failedIds: Set<string>,
 *   statuses: Record<string, number>, cpu: Record<string, number>, log: ReturnType<typeof import("./wrangler-log.mjs").createLogReader>,
 *   releasedAt?: number, deliveredDuringHold?: number, timedOut: boolean, heldQueues: string[] }} input
 */
export function computeFigures({ ingest, byId, failedIds, statuses, cpu, log, releasedAt, deliveredDuringHold, timedOut, heldQueues }) {
  const accepted = ingest.postedAt;
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[]} */
  const firstReceipts = [];
  let duplicates = 0;
  let extraReceipts = 0;
  let lost = 0;
  let failedButDelivered = 0;
  for (const [id, postedAt] of accepted) {
    const times = byId.get(id);
    if (!times) {
      if (!failedIds.has(id)) lost++;
      continue;
    }
    if (failedIds.has(id)) failedButDelivered++;
    if (times.length > 1) {
      duplicates++;
      extraReceipts += times.length - 1;
    }
    const first = Math.min(...times);
    firstReceipts.push(first);
    latencies.push(first - postedAt);
  }
  const unexpected = [...byId.keys()].filter((id) => !accepted.has(id)).length;
  firstReceipts.sort((a, b) => a - b);
  const delivered = firstReceipts.length;
  const firstAt = firstReceipts[0];
  const lastAt = firstReceipts[delivered - 1];
  const latency = summarize(latencies);
  const within5min = latencies.filter((ms) => ms <= 300_000).length;

  const perEmail = log.renders
    .filter((r) => r.count > 0)
    .map((r) => r.ms / r.count)
    .sort((a, b) => a - b);
  const renderedEmails = log.renders.reduce((s, r) => s + r.count, 0);
  const queues = Object.fromEntries(
    [...log.queues].map(([name, q]) => {
      const ms = summarize(q.ms);
      return [name, { batches: q.batches, messages: q.messages, retried: q.messages - q.acked, meanBatchSize: q.messages / q.batches, batchMs: ms }];
    }),
  );

  /** @type {Record<string, unknown> | undefined} */
  let depth;
  if (releasedAt !== undefined && delivered > 1) {
    const k = Math.max(2, Math.ceil(delivered * 0.1));
    const first10 = rate(k - 1, firstReceipts[k - 1] - firstReceipts[0]);
    const last10 = rate(k - 1, firstReceipts[delivered - 1] - firstReceipts[delivered - k]);
    depth = {
      backlog: accepted.size,
      deliveredDuringHold,
      releaseToFirstReceiptMs: firstAt - releasedAt,
      drainSeconds: (lastAt - releasedAt) / 1000,
      first10PercentPerSecond: first10,
      last10PercentPerSecond: last10,
      lastOverFirst: first10 && last10 ? last10 / first10 : undefined,
    };
  }

  return {
    ingest: {
      events: ingest.events,
      failedEvents: ingest.failedEvents,
      seconds: (ingest.endedAt - ingest.startedAt) / 1000,
      perSecond: rate(ingest.events, ingest.endedAt - ingest.startedAt),
      postMs: summarize(ingest.postMs),
      answers: ingest.statuses,
    },
    delivery: {
      accepted: accepted.size,
      delivered,
      windowSeconds: delivered ? (lastAt - firstAt) / 1000 : undefined,
      perSecond: delivered > 1 ? rate(delivered - 1, lastAt - firstAt) : undefined,
      firstPostToLastReceiptSeconds: delivered ? (lastAt - ingest.startedAt) / 1000 : undefined,
      ...(depth ? { depth } : {}),
    },
    latencyMs: { ...latency, deliveredWithin5MinPercent: accepted.size ? (within5min * 100) / accepted.size : undefined },
    render: perEmail.length
      ? {
          turns: perEmail.length,
          emails: renderedEmails,
          medianMsPerEmail: percentile(perEmail, 50),
          p99MsPerEmail: percentile(perEmail, 99),
          maxMsPerEmail: perEmail[perEmail.length - 1],
          meanMsPerEmail: log.renders.reduce((s, r) => s + r.ms, 0) / renderedEmails,
        }
      : { turns: 0, note: "no render.batch log lines: the render-phase hook is not installed (bench/PERFORMANCE.md)" },
    cpuSeconds: cpu,
    cpuMsPerEmail: delivered ? Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, (v * 1000) / delivered])) : undefined,
    queues,
    sweeps: log.sweeps,
    errors: {
      non202Answers: Object.entries(ingest.statuses)
        .filter(([s]) => s !== "202")
        .reduce((n, [, c]) => n + c, 0),
      failedNotifications: failedIds.size,
      failedButDelivered,
      workerErrorLines: log.errors.count,
      workerErrorSamples: log.errors.samples,
    },
    notificationStatuses: statuses,
    lost,
    duplicates,
    extraReceipts,
    unexpectedReceipts: unexpected,
    heldQueues,
    timedOut,
  };
}
