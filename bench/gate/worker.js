// @ts-check
// The bench's delivery gate, for `--scenario depth` only; never deployed. It consumes the queues
// Tidings produces to and holds its first batch until the bench says "release", so the rest of
// the backlog waits in the queue itself, because a local queue hands a consumer one batch at a
// time. Released, it forwards every message unchanged to "<queue>-release", which Tidings
// consumes with its own settings. Tidings runs unmodified; no production code knows of the gate.

/** Polled, not pushed: the bench cannot reach a secondary worker of `wrangler dev`. */
const POLL_MS = 250;
/** A forgotten gate must not hold a queue forever: past this, it opens by itself. */
const MAX_HOLD_MS = 60 * 60 * 1000;
/**
 * Pause after each forwarded batch: 4,000 messages/s, far above what Tidings drains, but slow
 * enough for the local queue, which sets one timer per message and refuses past 10,000 pending
 * ones (QuotaExceededError, seen when the gate forwarded 50,000 at full speed).
 */
const PACE_MS = 25;

let released = false;

export default {
  /** @param {MessageBatch<unknown>} batch @param {Record<string, any>} env */
  async queue(batch, env) {
    const started = Date.now();
    while (!released && Date.now() - started < MAX_HOLD_MS) {
      const answer = await fetch(`${env.CONTROL_URL}/gate`).then(
        (r) => r.text(),
        () => "",
      );
      if (answer === "released") released = true;
      else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    released = true;
    const binding = JSON.parse(env.ROUTES)[batch.queue];
    // Throwing retries the whole batch, so a failed forward loses nothing; a message forwarded
    // twice is claimed once by Tidings and acked the second time.
    await env[binding].sendBatch(batch.messages.map((m) => ({ body: m.body })));
    await new Promise((resolve) => setTimeout(resolve, PACE_MS));
  },
  fetch() {
    return new Response("tidings bench gate\n");
  },
};
