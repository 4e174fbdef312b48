import { beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { WebhookReceipt } from "../../src/followup/routes/webhooks/schema";
import { createOrganization } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { SNS_CERTIFICATE_PEM, SNS_MESSAGE_SHA1, SNS_SIGNING_CERT_URL, SNS_TOPIC_SHA1 } from "../fixtures/webhook-vectors/sns";
import { TEST_SES } from "../setup/constants";
import { TEST_SNS_TOPIC_ARN } from "../fixtures/webhook-keys";
import { postSns, snsSigner } from "../fixtures/webhook-signers";
import { eventsOf, sinkReceived, sinkRespond, statusOf, storeSent, suppressionOf, type SentNotification } from "../fixtures/followup";

type Reply = WebhookReceipt & ErrorBody;
let signer: Awaited<ReturnType<typeof snsSigner>>;
beforeAll(async () => {
  signer = await snsSigner();
});

const bounceOf = (sent: SentNotification, bounceType = "Permanent") => {
  const at = new Date().toISOString();
  return JSON.stringify({
    notificationType: "Bounce",
    mail: { messageId: sent.messageId, timestamp: at, destination: [sent.email] },
    bounce: { bounceType, bouncedRecipients: [{ emailAddress: sent.email, diagnosticCode: `smtp; 550 5.1.1 <${sent.email}> user unknown` }], timestamp: at },
  });
};

async function sentThroughSes() {
  const org = await createOrganization();
  const [sent] = await storeSent(org.organizationId, "ses");
  if (!sent) throw new Error("no notification");
  return { org, sent };
}

describe("SES notifications through SNS", () => {
  it("accepts AWS's own signed message on a per-organisation URL, with the certificate served where AWS would", async () => {
    const org = await createOrganization();
    const view = await configureProviders(org.apiKey, [{ provider: "ses", ...TEST_SES, snsTopicArns: [SNS_TOPIC_SHA1] }]);
    const certificate = new URL(SNS_SIGNING_CERT_URL);
    await sinkRespond(`/sns/${certificate.host}${certificate.pathname}`, SNS_CERTIFICATE_PEM);
    const res = await postSns<Reply>(`/webhooks/ses/${view.providers[0]?.id}`, JSON.parse(SNS_MESSAGE_SHA1));
    // "Hello world" is not an SES notification: verified, then skipped as invalid, nothing stored.
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ received: 0, invalid: 1 });
  });

  it("marks a notification bounced and suppresses the address from a signed permanent bounce", async () => {
    const { org, sent } = await sentThroughSes();
    const message = await signer.sign({ Type: "Notification", TopicArn: TEST_SNS_TOPIC_ARN, Message: bounceOf(sent) });
    const res = await postSns<Reply>("/webhooks/ses", message);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ stored: 1 });
    expect(await statusOf(sent.notificationId)).toBe("bounced");
    expect((await suppressionOf(org.organizationId, sent.email))?.reason).toBe("hard_bounce");
    expect((await postSns<Reply>("/webhooks/ses", message)).body).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it("refuses a tampered message (401), a non-AWS certificate URL (400) and a topic not configured (403), storing nothing", async () => {
    const { org, sent } = await sentThroughSes();
    const message = await signer.sign({ Type: "Notification", TopicArn: TEST_SNS_TOPIC_ARN, Message: bounceOf(sent) });
    const tampered = await postSns<Reply>("/webhooks/ses", message, (m) => ({ ...m, Message: bounceOf(sent, "Transient") }));
    const foreignCert = await postSns<Reply>("/webhooks/ses", message, (m) => ({ ...m, SigningCertURL: "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem" }));
    const otherTopic = await postSns<Reply>(
      "/webhooks/ses",
      await signer.sign({ Type: "Notification", TopicArn: "arn:aws:sns:us-east-1:999999999999:theirs", Message: bounceOf(sent) }),
    );
    expect([tampered.status, foreignCert.status, otherTopic.status]).toEqual([401, 400, 403]);
    expect(foreignCert.body.error.message).toMatch(/^CERT_URL_NOT_AWS/);
    expect(await eventsOf(org.organizationId)).toEqual([]);
    expect(await statusOf(sent.notificationId)).toBe("sent");
  });

  it("confirms a subscription to a configured topic by fetching its SubscribeURL, and fetches no URL off AWS", async () => {
    const token = `token-${crypto.randomUUID()}`;
    const subscribeUrl = `https://${signer.host}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TEST_SNS_TOPIC_ARN)}&Token=${token}`;
    const confirmation = { Type: "SubscriptionConfirmation", TopicArn: TEST_SNS_TOPIC_ARN, Token: token, Message: "You have chosen to subscribe.", SubscribeURL: subscribeUrl };
    const res = await postSns<Reply>("/webhooks/ses", await signer.sign(confirmation));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const fetched = (await sinkReceived(`/sns/${signer.host}/`)).filter((r) => r.query.includes(token));
    expect(fetched.map((r) => r.method)).toEqual(["GET"]);

    const elsewhere = `https://attacker.example/?Token=${token}-2`;
    const refused = await postSns<Reply>("/webhooks/ses", await signer.sign({ ...confirmation, Token: `${token}-2`, SubscribeURL: elsewhere }));
    expect(refused.status).toBe(400);
    expect((await sinkReceived("/sns/")).filter((r) => r.query.includes(`${token}-2`))).toEqual([]);
  });
});
