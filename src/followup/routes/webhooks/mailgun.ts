import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { App, HonoEnv } from "../../../context";
import { ApiError } from "../../../platform/errors";
import { processDeliveryEvents } from "../../process";
import { DurableTokenReplayGuard } from "../../../providers/mailgun/token-guard";
import { describeIssues } from "../../../providers/webhook-events";
import { MailgunWebhook, mapMailgunEvent } from "../../../providers/mailgun/webhook-map";
import { verifyMailgunWebhook } from "../../../providers/mailgun/webhook-verify";
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
const summary = "Mailgun webhook: one HMAC-signed event, token used once";

const shared = createRoute({ method: "post", path: "/webhooks/mailgun", tags: ["webhooks"], summary, middleware: [limit] as const, responses });
const perConfig = createRoute({
  method: "post", path: "/webhooks/mailgun/{providerConfigId}", tags: ["webhooks"], summary: `${summary}, for one organisation's Mailgun account`,
  middleware: [limit] as const, request: { params: ConfigParams }, responses,
});

async function handle(c: Context<HonoEnv>, providerConfigId: string | undefined) {
  const source = await resolveSource(c, "mailgun", providerConfigId);
  if (!source.ok) return refuse(c, source.error.status, source.error.reason, source.error.message);
  const body = parseJson(await c.req.text());
  const webhook = body.ok ? MailgunWebhook.safeParse(body.value) : undefined;
  if (!webhook?.success) return refuse(c, 400, "MALFORMED_PAYLOAD", webhook ? describeIssues(webhook.error) : "The body is not JSON.");

  const { signature } = webhook.data;
  // Tokens are random per request, so one namespace for every Mailgun account is enough.
  const replayGuard = new DurableTokenReplayGuard(c.get("services").env.WEBHOOK_TOKENS, "mailgun");
  const verified = await verifyMailgunWebhook({ signingKey: source.value.mailgunSigningKey, ...signature, now: new Date(), replayGuard });
  if (!verified.ok) return refuseAuth(c, verified.error);

  // The token is spent from here on; if storing fails, it is released so Mailgun's retry can pass.
  const release = () => replayGuard.release(signature.token).catch(() => undefined);
  const mapped = mapMailgunEvent(webhook.data["event-data"]);
  logInvalid("mailgun", mapped.invalid);
  let processed: Awaited<ReturnType<typeof processDeliveryEvents>>;
  try {
    processed = await processDeliveryEvents(c.get("services"), mapped.events, { organizationId: source.value.organizationId });
  } catch (e) {
    await release();
    throw e;
  }
  if (!processed.ok) {
    await release();
    return refuse(c, 500, processed.error.code, processed.error.message);
  }
  return receipt(c, processed.value, mapped.invalid.length);
}

export const registerMailgunWebhook = (app: App) => {
  app.openapi(shared, (c) => handle(c, undefined));
  app.openapi(perConfig, (c) => handle(c, c.req.valid("param").providerConfigId));
};
