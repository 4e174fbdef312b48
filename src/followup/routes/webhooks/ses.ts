import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { App, HonoEnv } from "../../../context";
import { ApiError } from "../../../platform/errors";
import { processDeliveryEvents } from "../../process";
import { checkSubscribeUrl, confirmSubscription, snsDeps } from "../../../providers/ses/sns-subscription";
import { mapSesNotification } from "../../../providers/ses/webhook-map";
import { verifySnsMessage } from "../../../providers/ses/webhook-verify";
import { refuse, refuseAuth, receipt } from "./respond";
import { ConfigParams, WebhookReceipt, webhookErrors } from "./schema";
import { logInvalid, parseJson, resolveSource } from "./source";

/** SNS messages are at most 256 KiB. */
const MAX_SNS_BYTES = 256 * 1024;
const limit = bodyLimit({
  maxSize: MAX_SNS_BYTES + 16 * 1024,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", "The body is larger than an SNS message can be.");
  },
});
const responses = { 200: { description: "Stored, or subscription confirmed", content: { "application/json": { schema: WebhookReceipt } } }, ...webhookErrors };
const summary = "Amazon SNS messages carrying SES notifications; subscriptions are confirmed";

const shared = createRoute({ method: "post", path: "/webhooks/ses", tags: ["webhooks"], summary, middleware: [limit] as const, responses });
const perConfig = createRoute({
  method: "post", path: "/webhooks/ses/{providerConfigId}", tags: ["webhooks"], summary: `${summary}, for one organisation's SES account`,
  middleware: [limit] as const, request: { params: ConfigParams }, responses,
});

const nothing = { received: 0, stored: 0, duplicates: 0, unmatched: 0, paused: [], alerts: [] };

async function handle(c: Context<HonoEnv>, providerConfigId: string | undefined) {
  const source = await resolveSource(c, "ses", providerConfigId);
  if (!source.ok) return refuse(c, source.error.status, source.error.reason, source.error.message);
  // SNS posts JSON as text/plain, so the body is read as text whatever the content type says.
  const body = parseJson(await c.req.text());
  if (!body.ok) return refuse(c, 400, "MALFORMED_MESSAGE", "The body is not JSON.");
  const deps = snsDeps(c.get("services").env);
  const verified = await verifySnsMessage({ message: body.value, allowedTopicArns: source.value.snsTopicArns, certificates: deps.certificates });
  if (!verified.ok) return refuseAuth(c, verified.error);
  const envelope = verified.value;

  if (envelope.Type !== "Notification") {
    if (envelope.Type === "UnsubscribeConfirmation") {
      console.warn(JSON.stringify({ level: "warn", msg: "SNS subscription removed: SES events stop arriving", topic: envelope.TopicArn, scope: source.value.scope }));
      return receipt(c, nothing, 0);
    }
    const unsafe = checkSubscribeUrl(envelope.SubscribeURL);
    if (unsafe) return refuse(c, 400, "SUBSCRIBE_URL_NOT_AWS", unsafe);
    const confirmed = await confirmSubscription(deps, envelope.SubscribeURL);
    if (!confirmed.ok) return refuse(c, 503, "CONFIRMATION_FAILED", confirmed.error.message);
    console.log(JSON.stringify({ level: "info", msg: "SNS subscription confirmed", topic: envelope.TopicArn, scope: source.value.scope }));
    return receipt(c, nothing, 0);
  }

  const mapped = mapSesNotification(envelope);
  logInvalid("ses", mapped.invalid);
  const processed = await processDeliveryEvents(c.get("services"), mapped.events, { organizationId: source.value.organizationId });
  if (!processed.ok) return refuse(c, 500, processed.error.code, processed.error.message);
  return receipt(c, processed.value, mapped.invalid.length);
}

export const registerSesWebhook = (app: App) => {
  app.openapi(shared, (c) => handle(c, undefined));
  app.openapi(perConfig, (c) => handle(c, c.req.valid("param").providerConfigId));
};
