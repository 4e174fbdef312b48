import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { App, HonoEnv } from "../../../context";
import { ApiError } from "../../../platform/errors";
import { processDeliveryEvents } from "../../process";
import { mapSendGridEvents } from "../../../providers/sendgrid/webhook-map";
import { verifySendGridSignature } from "../../../providers/sendgrid/webhook-verify";
import { refuse, refuseAuth, receipt } from "./respond";
import { ConfigParams, MAX_WEBHOOK_BYTES, WebhookReceipt, webhookErrors } from "./schema";
import { logInvalid, parseJson, resolveSource } from "./source";

const limit = bodyLimit({
  maxSize: MAX_WEBHOOK_BYTES,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_WEBHOOK_BYTES} bytes.`);
  },
});
const responses = { 200: { description: "Stored", content: { "application/json": { schema: WebhookReceipt } } }, ...webhookErrors };
const summary = "SendGrid Event Webhook: ECDSA-signed batches of delivery events";

// No request body in the route definition: validating it would parse JSON first, and the raw
// bytes read afterwards would be re-serialised JSON, which the signature does not cover.
const shared = createRoute({ method: "post", path: "/webhooks/sendgrid", tags: ["webhooks"], summary, middleware: [limit] as const, responses });
const perConfig = createRoute({
  method: "post", path: "/webhooks/sendgrid/{providerConfigId}", tags: ["webhooks"], summary: `${summary}, for one organisation's SendGrid account`,
  middleware: [limit] as const, request: { params: ConfigParams }, responses,
});

async function handle(c: Context<HonoEnv>, providerConfigId: string | undefined) {
  const source = await resolveSource(c, "sendgrid", providerConfigId);
  if (!source.ok) return refuse(c, source.error.status, source.error.reason, source.error.message);
  const raw = await c.req.arrayBuffer();
  const verified = await verifySendGridSignature({
    publicKey: source.value.sendgridPublicKey,
    signature: c.req.header("x-twilio-email-event-webhook-signature") ?? "",
    timestamp: c.req.header("x-twilio-email-event-webhook-timestamp") ?? "",
    rawBody: raw,
    now: new Date(),
  });
  if (!verified.ok) return refuseAuth(c, verified.error);

  const body = parseJson(new TextDecoder().decode(raw));
  const mapped = body.ok ? mapSendGridEvents(body.value) : undefined;
  if (!mapped?.ok) return refuse(c, 400, "MALFORMED_PAYLOAD", mapped ? mapped.error.message : "The body is not JSON.");
  logInvalid("sendgrid", mapped.value.invalid);
  const processed = await processDeliveryEvents(c.get("services"), mapped.value.events, { organizationId: source.value.organizationId });
  if (!processed.ok) return refuse(c, 500, processed.error.code, processed.error.message);
  return receipt(c, processed.value, mapped.value.invalid.length);
}

export const registerSendGridWebhook = (app: App) => {
  app.openapi(shared, (c) => handle(c, undefined));
  app.openapi(perConfig, (c) => handle(c, c.req.valid("param").providerConfigId));
};
