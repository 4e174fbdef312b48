import { err, ok } from "../../platform/result";
import { authError } from "../shared/webhook-errors";
import { describeIssues } from "../webhook-events";
import { parseJsonBody, type WebhookReceiver } from "../webhook";
import { DurableTokenReplayGuard } from "./token-guard";
import { MailgunWebhook, mapMailgunEvent } from "./webhook-map";
import { verifyMailgunWebhook } from "./webhook-verify";

/** Mailgun posts one event per request: a few KiB. */
const MAX_BYTES = 4 * 1024 * 1024;

/** Mailgun's HTTP webhooks: HMAC over timestamp + token inside the JSON body, each token used once. */
export const mailgunWebhook: WebhookReceiver = {
  provider: "mailgun",
  summary: "Mailgun webhook: one HMAC-signed event, token used once",
  maxBodyBytes: MAX_BYTES,
  async receive(request, source, { env }) {
    const body = parseJsonBody(request.body);
    const webhook = body.ok ? MailgunWebhook.safeParse(body.value) : undefined;
    if (!webhook?.success) return err(authError("MALFORMED_PAYLOAD", webhook ? describeIssues(webhook.error) : "The body is not JSON."));
    const signingKey = source.settings ? (source.settings.provider === "mailgun" ? (source.settings.webhookSigningKey ?? "") : "") : (env.MAILGUN_WEBHOOK_SIGNING_KEY ?? "");
    const { signature } = webhook.data;
    // Tokens are random per request, so one namespace for every Mailgun account is enough.
    const replayGuard = new DurableTokenReplayGuard(env.WEBHOOK_TOKENS, "mailgun");
    const verified = await verifyMailgunWebhook({ signingKey, ...signature, now: request.now, replayGuard });
    if (!verified.ok) return verified;
    // The token is spent from here on; should storing fail, releasing it lets Mailgun's retry pass.
    const release = () => replayGuard.release(signature.token).catch(() => undefined);
    return ok({ ...mapMailgunEvent(webhook.data["event-data"]), release });
  },
};
