import type { Logger } from "../platform/log";

/** A zero-delay timer: the cheapest I/O there is, and workerd's clock only moves across I/O. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Renders a whole queue batch before any of it is sent. Rendering is CPU work on one thread, so
 * doing it up front costs the batch nothing, and it makes the render time measurable: inside
 * workerd `Date.now()` stands still while JavaScript runs, so a render can only be timed by
 * fencing it with I/O. With `measure` (DEV_MODE), the phase is fenced by two timer ticks and
 * logged as `{"msg":"render.batch","kind","count","ms"}`, which `npm run bench` reads from wrangler's
 * output; without it no tick is awaited and nothing is logged.
 *
 * Each item settles on its own: one template that fails to render fails only its notification.
 * Returns a look-up of each item's (already settled) result.
 */
export async function renderPhase<T extends object, R>(
  items: readonly T[],
  render: (item: T) => Promise<R>,
  measure: boolean,
  log: Logger,
  kind: string,
): Promise<(item: T) => Promise<R>> {
  const timed = measure && items.length > 0;
  if (timed) await tick();
  const started = Date.now();
  const results = new Map<T, Promise<R>>();
  for (const item of items) {
    const result = (async () => render(item))();
    // Awaited by the caller later; until then this keeps a rejection from counting as unhandled.
    result.catch(() => undefined);
    results.set(item, result);
  }
  await Promise.allSettled(results.values());
  if (timed) {
    // The timer fires only after every render above has run to completion.
    await tick();
    log.debug("render.batch", { kind, count: items.length, ms: Date.now() - started });
  }
  return (item) => results.get(item) ?? Promise.reject(new Error("renderPhase: item was not part of the batch"));
}
