import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiKeyRole } from "./platform/auth/api-key";
import type { Env } from "./env";
import type { Services } from "./services";

export type Caller = { organizationId: string; apiKeyId: string; role: ApiKeyRole };

export type HonoEnv = {
  Bindings: Env;
  /** keyHash: the presented API key's SHA-256, computed once by keyGate for the limits and the look-up. */
  Variables: { requestId: string; services: Services; caller: Caller; keyHash: string | undefined };
};

export type App = OpenAPIHono<HonoEnv>;
