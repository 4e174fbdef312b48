import { digestMail } from "../digest/digest-mail";
import { failDeadLetteredDigests } from "../digest/record";
import type { Env } from "../env";
import { messageOf } from "../platform/log";
import { createServices } from "../services";
import { alertDeadLettered } from "./alerts";
import { failDeadLettered } from "./dead-letter";
import type { ClaimedMail, MailJob, MailKind, Verdict } from "./mail";
import { QueueMessage } from "./messages";
import { notificationMail } from "./notification-mail";
import { sendMail } from "./pipeline";
import { afterBrokenRun, retryPolicy } from "./retry";

export const DEAD_LETTER_QUEUE = "tidings-dead-letter";

/** Acks or retries each message on its own, from the outcome of its notification or digest. */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const services = createServices(env);
  const log = services.log.child({ queue: batch.queue });
  try {
    const messages = new Map<string, Message<unknown>>();
    const notifications: MailJob[] = [];
    const digests: MailJob[] = [];
    for (const message of batch.messages) {
      const parsed = QueueMessage.safeParse(message.body);
      if (!parsed.success) {
        // A malformed message will never parse: acking it is the only way it stops coming back.
        log.error("malformed queue message", { id: message.id });
        message.ack();
        continue;
      }
      const job = { id: parsed.data.kind === "digest" ? parsed.data.digestId : parsed.data.notificationId, attempt: message.attempts };
      (parsed.data.kind === "digest" ? digests : notifications).push(job);
      messages.set(job.id, message);
    }

    if (batch.queue === DEAD_LETTER_QUEUE) {
      const failed = await failDeadLettered(
        services.db,
        notifications.map((j) => j.id),
      );
      const failedDigests = await failDeadLetteredDigests(
        services.db,
        digests.map((j) => j.id),
      );
      log.warn("dead-lettered mail failed", { count: failed.length, digests: failedDigests.length });
      await alertDeadLettered(services, { queue: batch.queue, failed: [...failed, ...failedDigests], ids: [...messages.keys()] });
      batch.ackAll();
      return;
    }

    // Each kind's messages are settled as soon as its run ends, so trouble in one run neither
    // holds the other's verdicts nor sends its messages back without their backoff.
    const run = async <C extends ClaimedMail>(kind: MailKind<C>, jobs: MailJob[]) => {
      if (jobs.length === 0) return;
      let verdicts: Map<string, Verdict>;
      try {
        verdicts = await sendMail(services, kind, jobs);
      } catch (e) {
        log.error("send run failed; its messages are retried", { kind: kind.noun, count: jobs.length, error: messageOf(e) });
        verdicts = new Map(jobs.map((j): [string, Verdict] => [j.id, { retry: true, delaySeconds: afterBrokenRun(j.attempt, retryPolicy(env)) }]));
      }
      for (const job of jobs) {
        const message = messages.get(job.id);
        if (message) settle(message, verdicts.get(job.id));
      }
    };
    await run(notificationMail, notifications);
    await run(digestMail, digests);
  } finally {
    ctx.waitUntil(services.close());
  }
}

function settle(message: Message<unknown>, verdict: Verdict | undefined) {
  if (verdict?.retry) message.retry({ delaySeconds: verdict.delaySeconds });
  else message.ack();
}
