/**
 * Exponential backoff with jitter for a notification whose every provider failed retryably:
 * base·2^(attempt-1) plus up to a quarter of that at random, so a recovering provider is not
 * hit by every retried message in the same second; a provider's Retry-After wins when longer.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number, retryAfterSeconds?: number): number {
  const exponential = baseSeconds * 2 ** Math.max(0, attempt - 1);
  const jittered = Math.round(exponential + Math.random() * exponential * 0.25);
  // Queues refuses delays over 12 hours.
  return Math.min(Math.max(jittered, retryAfterSeconds ?? 0), 43_200);
}
