import { z } from "@hono/zod-openapi";
import { ErrorEnvelope } from "../../../platform/errors";

export const WebhookReceipt = z
  .object({
    received: z.number().int().openapi({ description: "Events in the payload that Tidings tracks" }),
    stored: z.number().int().openapi({ description: "New events, stored and applied" }),
    duplicates: z.number().int().openapi({ description: "Events stored before (a provider retry): no effect" }),
    unmatched: z.number().int().openapi({ description: "Events about no mail of ours (shared URL only)" }),
    invalid: z.number().int().openapi({ description: "Entries that did not parse; logged, not retried" }),
  })
  .openapi("WebhookReceipt");
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

export const ConfigParams = z.object({
  providerConfigId: z.string().openapi({ param: { name: "providerConfigId", in: "path" }, description: "The id from GET /v1/providers" }),
});

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorEnvelope } } });

/** Refusals follow webhookAuthStatus: 4xx for what the sender got wrong, 5xx where a retry can succeed. */
export const webhookErrors = {
  400: error("Malformed signature, timestamp, message or certificate URL"),
  401: error("Bad signature, stale timestamp or replayed token"),
  403: error("SNS topic not configured"),
  404: error("No such provider configuration"),
  413: error("Payload too large"),
  429: error("Too many requests from this address (Retry-After says when to come back)"),
  503: error("No webhook key configured, or the certificate or confirmation endpoint unreachable (retried by the provider)"),
};
