import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../context";
import type { ServiceOverrides, Services } from "../../services";
import { createLogger } from "../log";

export type InitOptions = { createServices: (env: HonoEnv["Bindings"], overrides: ServiceOverrides) => Services };

/** Builds the request's services (and its database pool, closed after the response). */
export const init = ({ createServices }: InitOptions): MiddlewareHandler<HonoEnv> =>
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
