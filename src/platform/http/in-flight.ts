/**
 * Requests being served by this isolate, per presented API key. Locally (and in any one isolate
 * on Workers) every tenant's requests share one thread: a client with dozens of requests in
 * flight queues everybody else's behind them, whatever the per-second limits say. A key past its
 * share is refused at once, before any work.
 */
const inFlight = new Map<string, number>();

/** Counts one more request for `key`, or refuses (undefined) when it already has `max`; call the returned function when it is done. */
export function enterInFlight(key: string, max: number): (() => void) | undefined {
  const current = inFlight.get(key) ?? 0;
  if (current >= max) return undefined;
  inFlight.set(key, current + 1);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    const remaining = (inFlight.get(key) ?? 1) - 1;
    if (remaining <= 0) inFlight.delete(key);
    else inFlight.set(key, remaining);
  };
}
