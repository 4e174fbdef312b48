import { alertDeadLettered } from "./alerts";
import { deliverNotifications, type Verdict } from "./deliver";
import { deliverDigest } from "../digest/deliver-digest";
import { failDeadLetteredDigests } from "../digest/record";
import type { Env } from "../env";
import { createServices } from "../services";
import { failDeadLettered } from "./dead-letter";
import { QueueMessage } from "./messages";
import { retryDelaySeconds } from "./retry";

export const DEAD_LETTER_QUEUE = "tidings-dead-letter";

/** Acks or retries each message on its own, from the outcome of its notification or digest. */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const services = createServices(env);
  try {
    const byNotification = new Map<string, Message<unknown>>();
    const digestJobs: [string, Message<unknown>][] = [];
    for (const message of batch.messages) {
      const parsed = QueueMessage.safeParse(message.body);
      if (!parsed.success) {
        // A malformed message will never parse: acking it is the only way it stops coming back.
        console.error(JSON.stringify({ level: "error", msg: "malformed queue message", queue: batch.queue, id: message.id }));
        message.ack();
        continue;
      }
      if (parsed.data.kind === "digest") digestJobs.push([parsed.data.digestId, message]);
      else byNotification.set(parsed.data.notificationId, message);
    }
    const ids = [...byNotification.keys()];

    if (batch.queue === DEAD_LETTER_QUEUE) {
      const failed = await failDeadLettered(services.db, ids);
      await failDeadLetteredDigests(services.db, digestJobs.map(([id]) => id));
      console.warn(JSON.stringify({ level: "warn", msg: "dead-lettered notifications failed", count: failed, digests: digestJobs.length }));
      await alertDeadLettered(services, { queue: batch.queue, count: failed + digestJobs.length, notificationIds: [...ids, ...digestJobs.map(([id]) => id)] });
      batch.ackAll();
      return;
    }

    const verdicts = await deliverNotifications(services, ids);
    for (const [id, message] of byNotification) settle(message, verdicts.get(id), env);
    for (const [digestId, message] of digestJobs) settle(message, await deliverDigest(services, digestId, { attempt: message.attempts }), env);
  } finally {
    ctx.waitUntil(services.close());
  }
}

function settle(message: Message<unknown>, verdict: Verdict | undefined, env: Env) {
  if (verdict?.action === "retry") message.retry({ delaySeconds: retryDelaySeconds(message.attempts, env.RETRY_BASE_SECONDS, verdict.retryAfterSeconds) });
  else message.ack();
}
