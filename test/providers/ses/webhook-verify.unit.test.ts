import { describe, expect, it } from "vitest";
import { createFetchCertificateFetcher } from "../../../src/providers/ses/certificate-fetcher";
import { checkSigningCertUrl, SnsKeyCache, snsStringToSign, verifySnsMessage } from "../../../src/providers/ses/webhook-verify";
import {
  SNS_CERTIFICATE_PEM,
  SNS_LAMBDA_MESSAGE,
  SNS_MESSAGE_SHA1,
  SNS_MESSAGE_SHA256,
  SNS_SIGNING_CERT_URL,
  SNS_TOPIC_SHA1,
  SNS_TOPIC_SHA256,
} from "../../fixtures/webhook-vectors/sns";
import { fakeCertificateHost, pemAroundPublicKey, toBase64, utf8 } from "../../fixtures/webhooks";

const allowedTopicArns = [SNS_TOPIC_SHA1, SNS_TOPIC_SHA256];
const awsHost = () => fakeCertificateHost({ [SNS_SIGNING_CERT_URL]: SNS_CERTIFICATE_PEM });

async function verify(message: unknown, certificates = awsHost(), topics: readonly string[] = allowedTopicArns) {
  const result = await verifySnsMessage({ message, allowedTopicArns: topics, certificates, keyCache: new SnsKeyCache() });
  return result.ok ? "OK" : result.error.code;
}
const edited = (json: string, change: Record<string, unknown>) => ({ ...(JSON.parse(json) as Record<string, unknown>), ...change });

describe("SNS message signature, with AWS-signed messages from aws-sdk-ruby", () => {
  it("accepts real SignatureVersion 1 and 2 notifications, and the Lambda spelling of the certificate URL", async () => {
    expect(await verify(JSON.parse(SNS_MESSAGE_SHA1))).toBe("OK");
    expect(await verify(JSON.parse(SNS_MESSAGE_SHA256))).toBe("OK");
    expect(await verify(JSON.parse(SNS_LAMBDA_MESSAGE))).toBe("OK");
  });

  it("refuses a tampered message, a replaced signature, and a signature made with another version's hash", async () => {
    expect(await verify(edited(SNS_MESSAGE_SHA1, { Message: "Hello world!" }))).toBe("BAD_SIGNATURE");
    expect(await verify(edited(SNS_MESSAGE_SHA256, { Subject: "added" }))).toBe("BAD_SIGNATURE");
    expect(await verify(edited(SNS_MESSAGE_SHA1, { Signature: "bad" }))).toBe("BAD_SIGNATURE");
    expect(await verify(edited(SNS_MESSAGE_SHA1, { SignatureVersion: "2" }))).toBe("BAD_SIGNATURE");
  });

  it("refuses a message verified against another key (a certificate that is not the signer's)", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-1" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const otherPem = pemAroundPublicKey(new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer));
    expect(await verify(JSON.parse(SNS_MESSAGE_SHA1), fakeCertificateHost({ [SNS_SIGNING_CERT_URL]: otherPem }))).toBe("BAD_SIGNATURE");
  });

  it("refuses unknown signature versions, unknown topics and bodies that are not SNS messages", async () => {
    expect(await verify(edited(SNS_MESSAGE_SHA1, { SignatureVersion: "3" }))).toBe("UNSUPPORTED_SIGNATURE_VERSION");
    expect(await verify(JSON.parse(SNS_MESSAGE_SHA1), awsHost(), [SNS_TOPIC_SHA256])).toBe("TOPIC_NOT_ALLOWED");
    expect(await verify(JSON.parse(SNS_MESSAGE_SHA1), awsHost(), [])).toBe("TOPIC_NOT_ALLOWED");
    expect(await verify({ Type: "Notification" })).toBe("MALFORMED_MESSAGE");
    expect(await verify("Hello world")).toBe("MALFORMED_MESSAGE");
  });

  it("refuses certificate URLs that are not https, not on an SNS host or not a .pem, before fetching them", async () => {
    const host = awsHost();
    const withUrl = (url: string) => verify(edited(SNS_MESSAGE_SHA1, { SigningCertURL: url }), host);
    expect(await withUrl(SNS_SIGNING_CERT_URL.replace("https", "http"))).toBe("CERT_URL_NOT_HTTPS");
    expect(await withUrl("https://internetbadguys.com/cert.pem")).toBe("CERT_URL_NOT_AWS");
    expect(await withUrl("https://sns.us-east-2.amazonaws.com.evil.example/cert.pem")).toBe("CERT_URL_NOT_AWS");
    expect(await withUrl("https://s3.amazonaws.com/sns.us-east-2.amazonaws.com/cert.pem")).toBe("CERT_URL_NOT_AWS");
    expect(await withUrl("https://sns.us-east-2.amazonaws.com:8443/cert.pem")).toBe("CERT_URL_NOT_AWS");
    expect(await withUrl(SNS_SIGNING_CERT_URL.replace(/pem$/, "key"))).toBe("CERT_URL_NOT_PEM");
    expect(host.requests).toEqual([]);
  });

  it("accepts the AWS host pattern for commercial and China regions only", () => {
    expect(checkSigningCertUrl("https://sns.cn-north-1.amazonaws.com.cn/x.pem")).toBeUndefined();
    expect(checkSigningCertUrl("https://sns.eu-west-1.amazonaws.com/x.pem")).toBeUndefined();
    expect(checkSigningCertUrl("https://sns.io.amazonaws.com/x.pem")?.code).toBe("CERT_URL_NOT_AWS");
    expect(checkSigningCertUrl("not a url")?.code).toBe("CERT_URL_NOT_AWS");
  });

  it("fetches each certificate once per hash and key cache, and retries a fetch that failed", async () => {
    const host = awsHost();
    const keyCache = new SnsKeyCache();
    const run = async (json: string) => {
      const result = await verifySnsMessage({ message: JSON.parse(json), allowedTopicArns, certificates: host, keyCache });
      return result.ok ? "OK" : result.error.code;
    };
    host.failNext = 1;
    expect(await run(SNS_MESSAGE_SHA1)).toBe("CERT_FETCH_FAILED");
    expect(await run(SNS_MESSAGE_SHA1)).toBe("OK");
    expect(await run(SNS_MESSAGE_SHA1)).toBe("OK");
    expect(await run(SNS_MESSAGE_SHA256)).toBe("OK");
    expect(host.requests).toHaveLength(3);
  });

  it("refuses a certificate body with anything around the PEM, as an unusable certificate", async () => {
    const host = fakeCertificateHost({ [SNS_SIGNING_CERT_URL]: `<xml><value>\n${SNS_CERTIFICATE_PEM}\n<value></xml>` });
    expect(await verify(JSON.parse(SNS_MESSAGE_SHA1), host)).toBe("CERT_MALFORMED");
  });

  it("returns the typed message once authentic", async () => {
    const result = await verifySnsMessage({ message: JSON.parse(SNS_MESSAGE_SHA256), allowedTopicArns, certificates: awsHost(), keyCache: new SnsKeyCache() });
    expect(result.ok && result.value).toMatchObject({ Type: "Notification", MessageId: "17dea24b-55c2-540b-8362-f916557af765", Message: "Hello world" });
  });
});

describe("SNS string to sign, with our own key", () => {
  const url = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem";
  const topic = "arn:aws:sns:eu-west-1:123456789012:tidings-ses";

  async function signer(hash: "SHA-1" | "SHA-256") {
    const pair = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const pem = pemAroundPublicKey(new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer));
    const sign = async (fields: Record<string, string>) =>
      toBase64(new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, utf8(snsStringToSign(JSON.parse(JSON.stringify(fields)))))));
    return { host: fakeCertificateHost({ [url]: pem }), sign };
  }

  it("signs a SubscriptionConfirmation over Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type", async () => {
    const { host, sign } = await signer("SHA-256");
    const confirmation = {
      Type: "SubscriptionConfirmation",
      MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
      Token:
        "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
      TopicArn: topic,
      Message: "You have chosen to subscribe to the topic. To confirm the subscription, visit the SubscribeURL included in this message.",
      SubscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:tidings-ses&Token=2336412f",
      Timestamp: "2026-04-20T12:00:00.000Z",
      SignatureVersion: "2",
      SigningCertURL: url,
    };
    const Signature = await sign({ ...confirmation, Signature: "x" });
    expect(snsStringToSign({ ...confirmation, Type: "SubscriptionConfirmation", Signature })).toBe(
      `Message\n${confirmation.Message}\nMessageId\n${confirmation.MessageId}\nSubscribeURL\n${confirmation.SubscribeURL}\nTimestamp\n${confirmation.Timestamp}\nToken\n${confirmation.Token}\nTopicArn\n${topic}\nType\nSubscriptionConfirmation\n`,
    );
    expect(await verify({ ...confirmation, Signature }, host, [topic])).toBe("OK");
    expect(await verify({ ...confirmation, Signature, Token: `${confirmation.Token}0` }, host, [topic])).toBe("BAD_SIGNATURE");
    expect(await verify({ ...confirmation, Signature, SubscribeURL: "https://attacker.example/" }, host, [topic])).toBe("BAD_SIGNATURE");
  });

  it("includes Subject in a notification's signed string only when the message has one", async () => {
    const { host, sign } = await signer("SHA-1");
    const base = { Type: "Notification", MessageId: "m-1", TopicArn: topic, Message: "{}", Timestamp: "2026-04-20T12:00:00.000Z", SignatureVersion: "1", SigningCertURL: url };
    const withSubject = { ...base, Subject: "Amazon SES Email Event Notification" };
    expect(await verify({ ...withSubject, Signature: await sign({ ...withSubject, Signature: "x" }) }, host, [topic])).toBe("OK");
    expect(await verify({ ...base, Signature: await sign({ ...base, Signature: "x" }) }, host, [topic])).toBe("OK");
    expect(await verify({ ...base, Signature: await sign({ ...withSubject, Signature: "x" }) }, host, [topic])).toBe("BAD_SIGNATURE");
  });
});

describe("certificate fetcher over fetch", () => {
  it("returns the PEM on 200 and refuses redirects and errors without following them", async () => {
    const seen: RequestInit[] = [];
    const answers = [new Response(SNS_CERTIFICATE_PEM), new Response(null, { status: 301, headers: { location: "https://evil.example/x.pem" } })];
    const fetcher = createFetchCertificateFetcher(async (_input, init) => {
      seen.push(init ?? {});
      return answers.shift() ?? Response.error();
    });
    expect(await fetcher.fetchPem(SNS_SIGNING_CERT_URL)).toEqual({ ok: true, value: SNS_CERTIFICATE_PEM });
    expect((await fetcher.fetchPem(SNS_SIGNING_CERT_URL)).ok).toBe(false);
    expect((await fetcher.fetchPem(SNS_SIGNING_CERT_URL)).ok).toBe(false);
    expect(seen.every((init) => init.redirect === "manual")).toBe(true);
  });
});
