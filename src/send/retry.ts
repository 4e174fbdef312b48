import type { Env } from "../env";

/** Queues refuses delays over 12 hours. */
const QUEUE_MAX_DELAY_SECONDS = 43_200;
/** A counted round never waits longer than this: an outage that ends should not be waited out for hours. */
const ROUND_DELAY_CAP_SECONDS = 900;
/** A round skipped because every circuit was open looks again at least this often. */
const SKIPPED_DELAY_CAP_SECONDS = 300;

export type RetryPolicy = { baseSeconds: number; maxRounds: number; cooldownSeconds: number };

export const retryPolicy = (env: Pick<Env, "RETRY_BASE_SECONDS" | "SEND_MAX_ROUNDS" | "CIRCUIT_COOLDOWN_SECONDS">): RetryPolicy => ({
  baseSeconds: env.RETRY_BASE_SECONDS,
  maxRounds: env.SEND_MAX_ROUNDS,
  cooldownSeconds: env.CIRCUIT_COOLDOWN_SECONDS,
});

/** Up to a quarter more at random, so a recovering provider is not hit by every retried email in the same second. */
const jitter = (seconds: number, random: () => number) => Math.round(seconds + random() * seconds * 0.25);

/**
 * After the `round`-th send in which providers were tried and none took the email: give up (the
 * email fails), or try again after base·2^(round-1) seconds, at most 15 minutes, plus jitter; a
 * provider's Retry-After wins when longer. With the defaults (30 s, 10 rounds) the last round
 * comes about 75 minutes after the first: that is the outage of every provider Tidings rides out
 * while providers still answer; rounds skipped behind open circuits do not count at all.
 */
export function afterFailedRound(round: number, policy: RetryPolicy, retryAfterSeconds?: number, random = Math.random): { giveUp: boolean; delaySeconds: number } {
  if (round >= policy.maxRounds) return { giveUp: true, delaySeconds: 0 };
  const backoff = Math.min(policy.baseSeconds * 2 ** Math.max(0, round - 1), ROUND_DELAY_CAP_SECONDS);
  return { giveUp: false, delaySeconds: Math.min(Math.max(jitter(backoff, random), retryAfterSeconds ?? 0), QUEUE_MAX_DELAY_SECONDS) };
}

/**
 * After a send skipped because every provider's circuit was open: not a failed attempt, so it
 * costs no round. It looks again once a circuit may let a probe through, backing off with the
 * queue's own delivery count up to 5 minutes, so a recovered provider gets the mail promptly.
 */
export function afterSkippedRound(queueAttempt: number, policy: RetryPolicy, random = Math.random): number {
  const wait = Math.max(policy.cooldownSeconds, Math.min(policy.baseSeconds * 2 ** Math.max(0, queueAttempt - 1), SKIPPED_DELAY_CAP_SECONDS));
  return Math.min(jitter(wait, random), QUEUE_MAX_DELAY_SECONDS);
}

/** A run that failed as a whole (the database did not answer): its messages come back like a first round. */
export const afterBrokenRun = (queueAttempt: number, policy: RetryPolicy, random = Math.random): number =>
  Math.min(jitter(policy.baseSeconds * 2 ** Math.min(Math.max(0, queueAttempt - 1), 5), random), QUEUE_MAX_DELAY_SECONDS);
