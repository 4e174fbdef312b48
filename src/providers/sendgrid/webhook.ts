import { err, ok } from "../../platform/result";
import { authError } from "../shared/webhook-errors";
import { parseJsonBody, type WebhookReceiver } from "../webhook";
import { mapSendGridEvents } from "./webhook-map";
import { verifySendGridSignature } from "./webhook-verify";

/** Large enough for SendGrid's batches (up to about a thousand events), small enough to refuse abuse. */
const MAX_BYTES = 4 * 1024 * 1024;

/** SendGrid's Event Webhook: ECDSA over timestamp + raw body, batches of events in a JSON array. */
export const sendgridWebhook: WebhookReceiver = {
  provider: "sendgrid",
  summary: "SendGrid Event Webhook: ECDSA-signed batches of delivery events",
  maxBodyBytes: MAX_BYTES,
  async receive(request, source, { env }) {
    // Absent keys stay empty: the verifier refuses them as INVALID_KEY (a configuration error (503), retried).
    const publicKey = source.settings ? (source.settings.provider === "sendgrid" ? (source.settings.webhookPublicKey ?? "") : "") : (env.SENDGRID_WEBHOOK_PUBLIC_KEY ?? "");
    const verified = await verifySendGridSignature({
      publicKey,
      signature: request.headers.get("x-twilio-email-event-webhook-signature") ?? "",
      timestamp: request.headers.get("x-twilio-email-event-webhook-timestamp") ?? "",
      rawBody: request.body,
      now: request.now,
    });
    if (!verified.ok) return verified;
    const body = parseJsonBody(request.body);
    const mapped = body.ok ? mapSendGridEvents(body.value) : undefined;
    if (!mapped?.ok) return err(authError("MALFORMED_PAYLOAD", mapped ? mapped.error.message : "The body is not JSON."));
    return ok(mapped.value);
  },
};
