import type { App } from "../../context";
import { ApiError } from "../../platform/errors";

/** The capture provider's mailbox, newest first; exists only while DEV_MODE is on. */
export const registerDevOutbox = (app: App) => {
  app.get("/dev/outbox", async (c) => {
    if (!c.env.DEV_MODE) throw new ApiError("NOT_FOUND", "Not found.");
    const limit = Math.min(Number(c.req.query("limit") ?? 50) || 50, 1000);
    const outbox = c.env.CAPTURE_OUTBOX.get(c.env.CAPTURE_OUTBOX.idFromName("outbox"));
    const messages = await outbox.list(limit);
    return c.json({ messages });
  });
  app.delete("/dev/outbox", async (c) => {
    if (!c.env.DEV_MODE) throw new ApiError("NOT_FOUND", "Not found.");
    await c.env.CAPTURE_OUTBOX.get(c.env.CAPTURE_OUTBOX.idFromName("outbox")).clear();
    return c.body(null, 204);
  });
};
