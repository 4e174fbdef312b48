import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../context";
import { createServices } from "../../services";
import { createLogger } from "../log";

/** Builds the request's services (and its database pool, closed after the response). */
export const init = (): MiddlewareHandler<HonoEnv> =>
  async function init(c, next) {
    const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    const services = createServices(c.env, { log: createLogger({ requestId }) });
    c.set("services", services);
    try {
      await next();
    } finally {
      c.executionCtx.waitUntil(services.close());
    }
    c.header("x-request-id", c.get("requestId"));
  };
