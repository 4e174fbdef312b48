import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { App, HonoEnv } from "../../../context";
import { ApiError, statusToCode } from "../../../platform/errors";
import { limitByIp } from "../../../platform/http/rate-limit";
import { webhookReceivers } from "../../../providers";
import { webhookAuthStatus } from "../../../providers/shared/webhook-errors";
import type { WebhookReceiver, WebhookSource } from "../../../providers/webhook";
import { type ProcessReport, processDeliveryEvents } from "../../process";
import { configurationSource, environmentSource } from "../../webhook-source";
import { ConfigParams, type WebhookReceipt, WebhookReceipt as WebhookReceiptSchema, webhookErrors } from "./schema";

type Ctx = Context<HonoEnv>;

/**
 * A refusal in the usual envelope, with the status `webhookAuthStatus` gives (503 included: it
 * means "retry later", which is what a provider should do). The refusal's own code leads the
 * message, so logs and tests can tell the refusals apart.
 */
function refuse(c: Ctx, status: 400 | 401 | 403 | 404 | 500 | 503, reason: string, message: string): never {
  c.get("services").log.warn("webhook refused", { path: c.req.path, status, reason });
  throw new ApiError(statusToCode(status), `${reason}: ${message}`);
}

/** Answers a processed batch; the guard's alert POSTs finish after the response. */
function receipt(c: Ctx, report: Pick<ProcessReport, "received" | "stored" | "duplicates" | "unmatched" | "alerts">, invalid: number) {
  for (const alert of report.alerts) c.executionCtx.waitUntil(alert);
  const body: WebhookReceipt = { received: report.received, stored: report.stored, duplicates: report.duplicates, unmatched: report.unmatched, invalid };
  return c.json(body, 200);
}

async function handle(c: Ctx, receiver: WebhookReceiver, providerConfigId: string | undefined) {
  const services = c.get("services");
  let source: WebhookSource = environmentSource;
  if (providerConfigId !== undefined) {
    const found = await configurationSource(services, receiver.provider, providerConfigId);
    if (!found.ok) return found.error.code === "NOT_FOUND" ? refuse(c, 404, "NOT_FOUND", found.error.message) : refuse(c, 503, "INVALID_KEY", found.error.message);
    source = found.value;
  }
  const received = await receiver.receive({ headers: c.req.raw.headers, body: await c.req.arrayBuffer(), now: new Date() }, source, services);
  if (!received.ok) return refuse(c, webhookAuthStatus(received.error.code), received.error.code, received.error.message);

  const { events, invalid, release } = received.value;
  if (invalid.length > 0) services.log.warn("webhook entries skipped", { provider: receiver.provider, invalid: invalid.slice(0, 10) });
  let processed: Awaited<ReturnType<typeof processDeliveryEvents>>;
  try {
    processed = await processDeliveryEvents(services, events, source.organizationId ? { organizationId: source.organizationId } : {});
  } catch (e) {
    await release?.();
    throw e;
  }
  if (!processed.ok) {
    await release?.();
    return refuse(c, 500, processed.error.code, processed.error.message);
  }
  return receipt(c, processed.value, invalid.length);
}

const vendorName: Record<WebhookReceiver["provider"], string> = { sendgrid: "SendGrid", mailgun: "Mailgun", ses: "Amazon SNS for SES" };
const operationName = (provider: string) => `receive${provider.charAt(0).toUpperCase()}${provider.slice(1)}Webhook`;
const whoCalls = (provider: WebhookReceiver["provider"]) =>
  `Called by ${vendorName[provider]}, not by you: no API key, the provider's signature over the raw body is the authentication. Each event is stored once however often the provider retries it and moves the email forward (delivered, then bounced or complained; opens and clicks are recorded); hard bounces and complaints suppress the address and count towards the bounce-rate guard.`;
const REFUSALS =
  "Refusals change nothing: 400 for a malformed signature, timestamp, message or certificate URL; 401 for a bad signature, a stale timestamp or a replayed token; 403 for an SNS topic not allowed; 503 when the verification key is not configured or the certificate cannot be fetched (the provider retries); 413 over the size limit; 429 per address.";

/**
 * `POST /webhooks/{provider}` (the deployment's keys) and `/webhooks/{provider}/{providerConfigId}`
 * (one organisation's configuration) for every provider with a webhook. No API key: the
 * provider's signature is the authentication. No request body in the route definition: validating
 * it would parse JSON first, and the signature covers the raw bytes, not a re-serialised parse.
 */
export const registerWebhookRoutes = (app: App) => {
  app.use("/webhooks/*", limitByIp("ipWebhooks"));
  for (const receiver of Object.values(webhookReceivers)) {
    const limit = bodyLimit({
      maxSize: receiver.maxBodyBytes,
      onError: () => {
        throw new ApiError("PAYLOAD_TOO_LARGE", `The body is larger than ${receiver.maxBodyBytes} bytes.`);
      },
    });
    const responses = { 200: { description: "Stored", content: { "application/json": { schema: WebhookReceiptSchema } } }, ...webhookErrors };
    const path = `/webhooks/${receiver.provider}`;
    const provider = receiver.provider;
    app.openapi(
      createRoute({
        method: "post",
        path,
        operationId: operationName(provider),
        tags: ["webhooks"],
        summary: receiver.summary,
        description: `${whoCalls(provider)} The deployment's shared URL, checked with its own key; events about mail that is not ours count as unmatched. ${REFUSALS}`,
        security: [],
        middleware: [limit] as const,
        responses,
      }),
      (c) => handle(c, receiver, undefined),
    );
    app.openapi(
      createRoute({
        method: "post",
        path: `${path}/{providerConfigId}`,
        operationId: `${operationName(provider)}ForConfiguration`,
        tags: ["webhooks"],
        summary: `${receiver.summary}, for one organisation's own account`,
        description: `${whoCalls(provider)} The URL for an organisation that sends through its own account: the signature is checked with the key in that provider configuration (GET /v1/providers shows the ids), and only that organisation's mail is touched. ${REFUSALS} 404 for an unknown configuration.`,
        security: [],
        middleware: [limit] as const,
        request: { params: ConfigParams },
        responses,
      }),
      (c) => handle(c, receiver, c.req.valid("param").providerConfigId),
    );
  }
};
