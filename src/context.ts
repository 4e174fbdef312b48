import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiKeyRole } from "./platform/auth/api-key";
import type { Env } from "./env";
import type { Services } from "./services";

export type Caller = { organizationId: string; apiKeyId: string; role: ApiKeyRole };

export type HonoEnv = {
  Bindings: Env;
  Variables: { requestId: string; services: Services; caller: Caller };
};

export type App = OpenAPIHono<HonoEnv>;
