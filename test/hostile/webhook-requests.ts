import { env } from "cloudflare:test";
import fc from "fast-check";
import { TEST_MAILGUN_WEBHOOK_KEY, TEST_SNS_TOPIC_ARN } from "../fixtures/webhook-keys";
import { configureProviders } from "../fixtures/providers";
import { mailgunSignature, nowSeconds, sendGridAccount, sharedSendGridAccount, snsSigner } from "../fixtures/webhook-signers";
import { TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN, TEST_SES, TEST_SENDGRID_API_KEY } from "../setup/constants";
import { acceptHeader, encodeComponent, type HostileRequest, nonJsonBody, urlText } from "./request";
import { hostileVariantOf } from "./schema-values";
import { headerValue, hostileString } from "./values";

export type Vendor = "sendgrid" | "mailgun" | "ses";

/** How a request claims to come from the provider: not at all, with forged or stale proof, or genuinely. */
type Proof = "none" | "forged" | "stale" | "signed-other-body" | "genuine";
const proof = fc.constantFrom<Proof>("none", "forged", "stale", "signed-other-body", "genuine", "genuine");

/** An organisation whose SendGrid, Mailgun and SES configurations all have webhook keys of ours. */
export async function webhookTargets(adminKey: string) {
  const sendgrid = await sendGridAccount();
  const sharedSendgrid = await sharedSendGridAccount();
  const mailgunKey = `mailgun-hostile-${crypto.randomUUID()}`;
  const ses = await snsSigner();
  const topic = `arn:aws:sns:us-east-1:123456789012:hostile-${crypto.randomUUID().slice(0, 8)}`;
  const view = await configureProviders(adminKey, [
    { provider: "sendgrid", apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), webhookPublicKey: sendgrid.publicKey },
    { provider: "mailgun", apiKey: TEST_MAILGUN_API_KEY, domain: TEST_MAILGUN_DOMAIN, baseUrl: String(env.MAILGUN_FAKE_URL), webhookSigningKey: mailgunKey },
    { provider: "ses", ...TEST_SES, snsTopicArns: [topic] },
  ]);
  const ids = Object.fromEntries(view.providers.map((p) => [p.provider, p.id])) as Record<Vendor, string>;
  return { sendgrid, sharedSendgrid, mailgunKey, ses, topic, ids };
}

export type WebhookTargets = Awaited<ReturnType<typeof webhookTargets>>;

/** A provider's event about a message we sent (or about nothing), to be bent by mutations. */
const eventOf = (vendor: Vendor, sent: { email: string; notificationId: string }) =>
  fc
    .record({
      event: fc.constantFrom("delivered", "bounce", "bounced", "failed", "dropped", "spamreport", "complained", "open", "click", "unsubscribe"),
      email: fc.constantFrom(sent.email, "nobody@example.test"),
    })
    .map(({ event, email }) => {
      const now = Number(nowSeconds());
      switch (vendor) {
        case "sendgrid":
          return [
            {
              email,
              event,
              timestamp: now,
              sg_event_id: crypto.randomUUID(),
              sg_message_id: "msg.filter",
              tidings_notification_id: sent.notificationId,
              type: "bounce",
              reason: "550 5.1.1 unknown",
            },
          ];
        case "mailgun":
          return {
            id: crypto.randomUUID(),
            event,
            timestamp: now,
            recipient: email,
            severity: "permanent",
            message: { headers: { "message-id": "msg@mailgun" } },
            "user-variables": { tidings_notification_id: sent.notificationId },
          };
        default: // ses
          return {
            notificationType: event === "complained" ? "Complaint" : "Bounce",
            mail: { messageId: "ses-msg", timestamp: new Date().toISOString(), destination: [email] },
            bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: email }], timestamp: new Date().toISOString() },
            complaint: { complainedRecipients: [{ emailAddress: email }], timestamp: new Date().toISOString() },
          };
      }
    });

/** Hostile text in one of an SNS envelope's own fields, set before signing (genuine) or after (forged). */
type EnvelopeField = { field: "Type" | "SigningCertURL" | "SubscribeURL" | "SignatureVersion" | "TopicArn" | "Token"; value: string; signed: boolean };

export type WebhookPlan = {
  content: unknown;
  proof: Proof;
  path: string;
  accept: string | undefined;
  raw?: { contentType?: string; body?: string | Uint8Array };
  /** SendGrid: the timestamp header; others ignore it. */
  extraHeader?: string;
  /** SES: an envelope field; others ignore it. */
  envelopeField?: EnvelopeField;
};

export function webhookPlans(vendor: Vendor, configured: boolean, targets: WebhookTargets, sent: { email: string; notificationId: string }): fc.Arbitrary<WebhookPlan> {
  const path = fc.oneof(
    { arbitrary: fc.constant(configured ? `/webhooks/${vendor}/${targets.ids[vendor]}` : `/webhooks/${vendor}`), weight: 6 },
    { arbitrary: configured ? fc.oneof(fc.uuid(), urlText).map((id) => `/webhooks/${vendor}/${encodeComponent(id)}`) : fc.constant(`/webhooks/${vendor}`), weight: 1 },
  );
  return fc.record(
    {
      content: hostileVariantOf(eventOf(vendor, sent)),
      proof,
      path,
      accept: acceptHeader,
      raw: fc.option(nonJsonBody, { nil: undefined, freq: 6 }),
      extraHeader: fc.option(headerValue, { nil: undefined }),
      envelopeField: fc.option(
        fc.record({
          field: fc.constantFrom<EnvelopeField["field"]>("Type", "SigningCertURL", "SubscribeURL", "SignatureVersion", "TopicArn", "Token"),
          value: fc.oneof(
            hostileString,
            fc.constantFrom("SubscriptionConfirmation", "UnsubscribeConfirmation", "https://sns.us-east-1.amazonaws.com.evil.test/c.pem", "http://127.0.0.1/", "1"),
          ),
          signed: fc.boolean(),
        }),
        { nil: undefined },
      ),
    },
    { requiredKeys: ["content", "proof", "path", "accept"] },
  );
}

/** Turns a plan into the request the provider would send, signed as the plan says. */
export async function webhookRequest(vendor: Vendor, plan: WebhookPlan, targets: WebhookTargets, configured: boolean): Promise<HostileRequest> {
  const headers: Record<string, string> = {};
  if (plan.accept !== undefined) headers.accept = plan.accept;
  const request = (body: string | Uint8Array | undefined, contentType: string | undefined): HostileRequest => {
    if (contentType !== undefined) headers["content-type"] = contentType;
    return { method: "POST", path: plan.path, query: [], headers, ...(body !== undefined ? { body } : {}) };
  };
  const timestamp = plan.proof === "stale" ? nowSeconds(-3 * 3600) : nowSeconds();
  switch (vendor) {
    case "sendgrid": {
      const body = plan.raw?.body ?? JSON.stringify(plan.content) ?? "";
      const signed = typeof body === "string" ? (plan.proof === "signed-other-body" ? `${body} ` : body) : "";
      if (plan.proof !== "none") {
        headers["x-twilio-email-event-webhook-timestamp"] = plan.extraHeader ?? timestamp;
        headers["x-twilio-email-event-webhook-signature"] =
          plan.proof === "forged" ? btoa(crypto.randomUUID()) : await (configured ? targets.sendgrid : targets.sharedSendgrid).sign(timestamp, signed);
      }
      return request(body, plan.raw?.contentType ?? "application/json");
    }
    case "mailgun": {
      const key = configured ? targets.mailgunKey : TEST_MAILGUN_WEBHOOK_KEY;
      const token = crypto.randomUUID().replace(/-/g, "");
      const signature =
        plan.proof === "none"
          ? undefined
          : plan.proof === "forged"
            ? "0".repeat(64)
            : await mailgunSignature(key, timestamp, plan.proof === "signed-other-body" ? `${token}x` : token);
      const body = JSON.stringify({ ...(signature ? { signature: { timestamp, token, signature } } : {}), "event-data": plan.content });
      return request(plan.raw?.body ?? body, plan.raw?.contentType ?? "application/json");
    }
    case "ses": {
      const topic = configured ? targets.topic : TEST_SNS_TOPIC_ARN;
      const message = JSON.stringify(plan.content) ?? "null";
      const field = plan.envelopeField;
      const fields = {
        Type: "Notification",
        TopicArn: topic,
        Message: message,
        ...(plan.proof === "stale" ? { Timestamp: new Date(Date.now() - 3 * 3600_000).toISOString() } : {}),
        ...(field?.signed ? { [field.field]: field.value } : {}),
      };
      const envelope = plan.proof === "none" ? fields : await targets.ses.sign(fields);
      const sent = {
        ...envelope,
        ...(plan.proof === "forged" ? { Signature: btoa(crypto.randomUUID()) } : {}),
        ...(plan.proof === "signed-other-body" ? { Message: `${message} ` } : {}),
        ...(field && !field.signed ? { [field.field]: field.value } : {}),
      };
      return request(plan.raw?.body ?? JSON.stringify(sent), plan.raw?.contentType ?? "text/plain; charset=UTF-8");
    }
  }
}
