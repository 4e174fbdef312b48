import { mapWithConcurrency } from "../platform/concurrency";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import { digestWindowName, type WindowKey } from "./window-types";

export type WindowItems = { key: WindowKey; notificationIds: string[] };

/**
 * Takes items out of their DigestWindow objects. Best effort by design: the caller has already
 * moved the notifications out of `batched`, so a window that keeps an id (the call failed) still
 * never mails it: the digest leaves out every item no longer batched into it, or ends `empty`.
 */
export async function removeWindowItems({ env, log }: Pick<Services, "env" | "log">, windows: WindowItems[]): Promise<number> {
  const removed = await mapWithConcurrency(windows, 6, async ({ key, notificationIds }) => {
    const name = digestWindowName(key);
    try {
      let count = 0;
      for (let i = 0; i < notificationIds.length; i += 1000) {
        count += (await env.DIGEST_WINDOW.get(env.DIGEST_WINDOW.idFromName(name)).removeItems({ notificationIds: notificationIds.slice(i, i + 1000) })).removed;
      }
      return count;
    } catch (e) {
      log.warn("digest window items not removed", { key: name, error: messageOf(e) });
      return 0;
    }
  });
  return removed.reduce((a, b) => a + b, 0);
}
