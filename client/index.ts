import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema";

export type { components, operations, paths } from "./schema";

export type TidingsClientOptions = {
  /** Where Tidings answers, e.g. `https://tidings.example.com` (paths start with /v1). */
  baseUrl: string;
  /** An API key (`tid_…`); its role decides which calls succeed. */
  apiKey: string;
  /** What sends the requests: a service binding's fetch, a test's `SELF.fetch`; the global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
};

/** Every call is typed from the OpenAPI document: paths, parameters, bodies and each status's answer. */
export type TidingsClient = Client<paths>;

/**
 * A typed client for the Tidings API (openapi-fetch over client/schema.d.ts):
 * `const { data, error } = await tidings.POST("/v1/events", { body })`.
 */
export function createTidingsClient({ baseUrl, apiKey, fetch }: TidingsClientOptions): TidingsClient {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` }, ...(fetch ? { fetch } : {}) });
}
