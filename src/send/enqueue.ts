import type { Env } from "../env";
import { err, ok, type Result } from "../platform/result";
import type { QueueMessage } from "./messages";

/** Cloudflare Queues takes at most 100 messages per sendBatch call. */
const SEND_BATCH_LIMIT = 100;

export function queueFor(env: Env, priority: "high" | "normal"): Queue<QueueMessage> {
  return priority === "high" ? env.PRIORITY_QUEUE : env.NOTIFICATION_QUEUE;
}

export async function enqueueNotifications(
  env: Env,
  priority: "high" | "normal",
  notificationIds: string[],
): Promise<Result<void, string>> {
  const queue = queueFor(env, priority);
  try {
    for (let i = 0; i < notificationIds.length; i += SEND_BATCH_LIMIT) {
      const chunk = notificationIds.slice(i, i + SEND_BATCH_LIMIT);
      await queue.sendBatch(chunk.map((notificationId) => ({ body: { kind: "send", notificationId } })));
    }
    return ok(undefined);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}
