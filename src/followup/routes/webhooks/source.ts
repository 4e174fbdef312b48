import type { Context } from "hono";
import type { HonoEnv } from "../../../context";
import { configurationSource, environmentSource, type WebhookSource } from "../../webhook-source";
import { err, ok, type Result } from "../../../platform/result";
import type { WebhookProvider } from "../../../providers/webhook-events";

export type SourceRefusal = { status: 404 | 500; reason: string; message: string };

/** The shared URL's source, or the provider configuration named in the path (404 when there is none). */
export async function resolveSource(c: Context<HonoEnv>, provider: WebhookProvider, providerConfigId: string | undefined): Promise<Result<WebhookSource, SourceRefusal>> {
  const services = c.get("services");
  if (providerConfigId === undefined) return ok(environmentSource(services.env));
  const source = await configurationSource(services, provider, providerConfigId);
  if (source.ok) return source;
  return err(source.error.code === "NOT_FOUND" ? { status: 404, reason: "NOT_FOUND", message: source.error.message } : { status: 500, reason: "INVALID_KEY", message: source.error.message });
}

/** The body as text; a JSON parse failure is the sender's mistake (400), never ours. */
export function parseJson(text: string): Result<unknown, string> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

export const logInvalid = (provider: WebhookProvider, invalid: { index: number; message: string }[]) => {
  if (invalid.length > 0) console.warn(JSON.stringify({ level: "warn", msg: "webhook entries skipped", provider, invalid: invalid.slice(0, 10) }));
};
