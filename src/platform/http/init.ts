import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../context";
import { createServices } from "../../services";

/** Builds the request's services (and its database pool, closed after the response). */
export const init = (): MiddlewareHandler<HonoEnv> =>
  async function init(c, next) {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    const services = createServices(c.env);
    c.set("services", services);
    try {
      await next();
    } finally {
      c.executionCtx.waitUntil(services.close());
    }
    c.header("x-request-id", c.get("requestId"));
  };
