import { err, ok } from "../../platform/result";
import { authError } from "../shared/webhook-errors";
import { parseJsonBody, type WebhookReceiver } from "../webhook";
import { checkSubscribeUrl, confirmSubscription, snsDeps } from "./sns-subscription";
import { mapSesNotification } from "./webhook-map";
import { verifySnsMessage } from "./webhook-verify";

/** SNS messages are at most 256 KiB, plus the envelope around them. */
const MAX_BYTES = 256 * 1024 + 16 * 1024;

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * SES events arrive as Amazon SNS messages, signed with a certificate on an AWS host. A
 * subscription confirmation is answered here (by fetching its SubscribeURL) and carries no event.
 */
export const sesWebhook: WebhookReceiver = {
  provider: "ses",
  summary: "Amazon SNS messages carrying SES notifications; subscriptions are confirmed",
  maxBodyBytes: MAX_BYTES,
  async receive(request, source, { env, log }) {
    // SNS posts JSON as text/plain, so the body is read as text whatever the content type says.
    const body = parseJsonBody(request.body);
    if (!body.ok) return err(authError("MALFORMED_MESSAGE", "The body is not JSON."));
    const allowedTopicArns = source.settings ? (source.settings.provider === "ses" ? (source.settings.snsTopicArns ?? []) : []) : list(env.SES_SNS_TOPIC_ARNS);
    const deps = snsDeps(env);
    const verified = await verifySnsMessage({ message: body.value, allowedTopicArns, certificates: deps.certificates });
    if (!verified.ok) return verified;
    const envelope = verified.value;
    if (envelope.Type === "Notification") return ok(mapSesNotification(envelope));
    if (envelope.Type === "UnsubscribeConfirmation") {
      log.warn("SNS subscription removed: SES events stop arriving", { topic: envelope.TopicArn, scope: source.scope });
      return ok({ events: [], invalid: [] });
    }
    const unsafe = checkSubscribeUrl(envelope.SubscribeURL);
    if (unsafe) return err(authError("SUBSCRIBE_URL_NOT_AWS", unsafe));
    const confirmed = await confirmSubscription(deps, envelope.SubscribeURL);
    if (!confirmed.ok) return err(authError("CONFIRMATION_FAILED", confirmed.error.message));
    log.info("SNS subscription confirmed", { topic: envelope.TopicArn, scope: source.scope });
    return ok({ events: [], invalid: [] });
  },
};
