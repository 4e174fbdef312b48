import { sql } from "drizzle-orm";
import { uuidArray } from "../platform/db/sql";
import { messageOf } from "../platform/log";
import { err, ok, type Result } from "../platform/result";
import type { Services } from "../services";
import type { QueueMessage } from "./messages";

/** Cloudflare Queues takes at most 100 messages per sendBatch call. */
const SEND_BATCH_LIMIT = 100;

export type Priority = "high" | "normal";

async function sendInChunks(queue: Queue<QueueMessage>, bodies: QueueMessage[], delaySeconds?: number): Promise<Result<void, string>> {
  try {
    for (let i = 0; i < bodies.length; i += SEND_BATCH_LIMIT) {
      await queue.sendBatch(bodies.slice(i, i + SEND_BATCH_LIMIT).map((body) => (delaySeconds === undefined ? { body } : { body, delaySeconds })));
    }
    return ok(undefined);
  } catch (e) {
    return err(messageOf(e));
  }
}

/**
 * Hands `pending` notifications to the queue (the priority queue for `high`), then marks them
 * `queued`. Should the send fail, they stay `pending` and the sweeper enqueues them: nothing
 * accepted is lost between the database and the queue. A notification enqueued twice is
 * harmless; the consumer's conditional claim sends it once.
 */
export async function enqueuePending(services: Pick<Services, "db" | "env">, priority: Priority, notificationIds: string[]): Promise<Result<void, string>> {
  if (notificationIds.length === 0) return ok(undefined);
  const queue = priority === "high" ? services.env.PRIORITY_QUEUE : services.env.NOTIFICATION_QUEUE;
  const sent = await sendInChunks(
    queue,
    notificationIds.map((notificationId) => ({ kind: "send", notificationId })),
  );
  if (!sent.ok) return sent;
  // `pending → queued`, leaving alone any the consumer already claimed; the message is due now.
  await services.db.execute(sql`
    UPDATE notifications SET status = 'queued', queued_at = now(), retry_at = now(), updated_at = now()
     WHERE id = ANY(${uuidArray(notificationIds)}) AND status = 'pending'`);
  return ok(undefined);
}

/**
 * Sends the messages of notifications ingest wrote as `queued` (src/ingest/accept-event.ts). When
 * the send fails they go back to `pending`, which the sweeper enqueues after its grace period.
 * Should that update fail too, or the Worker die before the send, they stay `queued` without a
 * message, and the sweeper's search for lost messages enqueues them (STALE_QUEUED_SECONDS).
 */
export async function enqueueAccepted(services: Pick<Services, "db" | "env" | "log">, priority: Priority, notificationIds: string[]): Promise<Result<void, string>> {
  if (notificationIds.length === 0) return ok(undefined);
  const queue = priority === "high" ? services.env.PRIORITY_QUEUE : services.env.NOTIFICATION_QUEUE;
  const sent = await sendInChunks(
    queue,
    notificationIds.map((notificationId) => ({ kind: "send", notificationId })),
  );
  if (sent.ok) return sent;
  try {
    await services.db.execute(sql`
      UPDATE notifications SET status = 'pending', queued_at = NULL, updated_at = now()
       WHERE id = ANY(${uuidArray(notificationIds)}) AND status = 'queued'`);
  } catch (e) {
    // The event is committed either way: answering 500 would make the client post it again.
    services.log.error("could not put unsent notifications back to pending; the sweep for lost messages finds them", { count: notificationIds.length, error: messageOf(e) });
  }
  return sent;
}

/** Cloudflare Queues delays a message by at most 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

/**
 * Sends delayed messages for `scheduled` notifications due within the queue's delay limit, so they
 * go on time rather than at the sweeper's next pass. Best effort, and nothing is marked: a row
 * further ahead, or whose message is lost, is released by the sweeper when due (src/send/sweep.ts),
 * and a message that finds the row already claimed does nothing.
 */
export async function enqueueScheduled(services: Pick<Services, "env" | "log" | "clock">, priority: Priority, notificationIds: string[], sendAt: Date): Promise<void> {
  const delaySeconds = Math.ceil((sendAt.getTime() - services.clock.now().getTime()) / 1000);
  if (notificationIds.length === 0 || delaySeconds > MAX_QUEUE_DELAY_SECONDS) return;
  const queue = priority === "high" ? services.env.PRIORITY_QUEUE : services.env.NOTIFICATION_QUEUE;
  const sent = await sendInChunks(
    queue,
    notificationIds.map((notificationId) => ({ kind: "send", notificationId })),
    Math.max(0, delaySeconds),
  );
  if (!sent.ok) services.log.warn("could not enqueue scheduled notifications; the sweeper releases them when due", { count: notificationIds.length, error: sent.error });
}

/** Announces `queued` digests; digest cron enqueues again any that no consumer picked up. */
export function enqueueDigests(services: Pick<Services, "env">, digestIds: string[]): Promise<Result<void, string>> {
  return sendInChunks(
    services.env.NOTIFICATION_QUEUE,
    digestIds.map((digestId) => ({ kind: "digest", digestId })),
  );
}

export type RequeueReport = { requeued: number; enqueueFailures: number };

/** `enqueuePending` for rows of both priorities (the sweeper's and a resume's): what failed stays `pending` and is logged. */
export async function requeuePending(services: Pick<Services, "db" | "env" | "log">, rows: { id: string; priority: Priority }[]): Promise<RequeueReport> {
  const report: RequeueReport = { requeued: 0, enqueueFailures: 0 };
  for (const priority of ["high", "normal"] as const) {
    const ids = rows.filter((r) => r.priority === priority).map((r) => r.id);
    if (ids.length === 0) continue;
    const sent = await enqueuePending(services, priority, ids);
    if (sent.ok) report.requeued += ids.length;
    else {
      report.enqueueFailures += ids.length;
      services.log.error("could not enqueue; the sweeper will retry", { count: ids.length, error: sent.error });
    }
  }
  return report;
}

/**
 * `queued` notifications whose message went missing: enqueued again, their due time moved to now
 * so the next sweep leaves them alone. A message that was only late is then claimed once anyway.
 */
export async function requeueQueued(services: Pick<Services, "db" | "env" | "log">, rows: { id: string; priority: Priority }[]): Promise<RequeueReport> {
  const report: RequeueReport = { requeued: 0, enqueueFailures: 0 };
  for (const priority of ["high", "normal"] as const) {
    const ids = rows.filter((r) => r.priority === priority).map((r) => r.id);
    if (ids.length === 0) continue;
    const queue = priority === "high" ? services.env.PRIORITY_QUEUE : services.env.NOTIFICATION_QUEUE;
    const sent = await sendInChunks(
      queue,
      ids.map((notificationId) => ({ kind: "send", notificationId })),
    );
    if (!sent.ok) {
      report.enqueueFailures += ids.length;
      services.log.error("could not enqueue lost notifications again; the next sweep retries", { count: ids.length, error: sent.error });
      continue;
    }
    await services.db.execute(sql`UPDATE notifications SET retry_at = now(), updated_at = now() WHERE id = ANY(${uuidArray(ids)}) AND status = 'queued'`);
    report.requeued += ids.length;
  }
  return report;
}
