import type { Env } from "../env";
import type { Logger } from "../platform/log";
import { err, ok, type Result } from "../platform/result";
import type { ProviderSettings } from "./config";
import type { WebhookAuthError } from "./shared/webhook-errors";
import type { DeliveryEvent, WebhookProvider } from "./webhook-events";

/** A webhook request as it arrived: the raw bytes, because signatures cover them and not a re-serialised parse. */
export type WebhookRequest = { headers: Headers; body: ArrayBuffer; now: Date };

/**
 * Whose webhook this is. The shared URL authenticates with the deployment's keys (`settings`
 * absent) and may concern any organisation's mail; a per-configuration URL authenticates with the
 * keys stored in that configuration and is confined to its organisation, because that
 * organisation chose the key and so can sign whatever it likes.
 */
export type WebhookSource = { organizationId?: string; scope: string; settings?: ProviderSettings };

/** What a verified request carried; `release` undoes a spent replay token when storing the events fails. */
export type ReceivedEvents = { events: DeliveryEvent[]; invalid: { index: number; message: string }[]; release?: () => Promise<void> };

export type WebhookContext = { env: Env; log: Logger };

/**
 * The webhook side of a provider: how its requests are authenticated and what its events mean in
 * Tidings' terms. The route (src/followup/routes/webhooks) is the same for every vendor; what is
 * a vendor's own lives in its folder, beside its `send`.
 */
export interface WebhookReceiver {
  readonly provider: WebhookProvider;
  /** One line for the API reference. */
  readonly summary: string;
  /** The largest body the vendor sends; larger ones are refused before they are read. */
  readonly maxBodyBytes: number;
  receive(request: WebhookRequest, source: WebhookSource, context: WebhookContext): Promise<Result<ReceivedEvents, WebhookAuthError>>;
}

/** The body as JSON; a parse failure is the sender's mistake, never ours. */
export function parseJsonBody(body: ArrayBuffer | string): Result<unknown, string> {
  try {
    return ok(JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body)) as unknown);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}
