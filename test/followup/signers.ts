import { snsStringToSign } from "../../src/webhooks/verify/sns";
import type { SnsEnvelope } from "../../src/webhooks/sns-envelope";
import { call } from "../fixtures/http";
import { ecdsaRawToDer, pemAroundPublicKey, toBase64, utf8 } from "../webhooks/support";
import { sinkRespond } from "./support";

export const nowSeconds = (offsetSeconds = 0) => String(Math.floor(Date.now() / 1000) + offsetSeconds);

/** A SendGrid account of our own making: the key pair whose public half an organisation configures. */
export async function sendGridAccount() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const spki = toBase64(new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer));
  const sign = async (timestamp: string, body: string) => {
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, utf8(timestamp + body)));
    return toBase64(ecdsaRawToDer(raw));
  };
  return { publicKey: spki, sign };
}

export type SendGridAccount = Awaited<ReturnType<typeof sendGridAccount>>;

/** POSTs a signed Event Webhook batch; `tamper` changes the body after signing. */
export async function postSendGrid<T = Record<string, unknown>>(path: string, account: SendGridAccount, events: Record<string, unknown>[], options: { timestamp?: string; tamper?: (body: string) => string } = {}) {
  const timestamp = options.timestamp ?? nowSeconds();
  const body = JSON.stringify(events);
  const signature = await account.sign(timestamp, body);
  return call<T>("POST", path, {
    rawBody: options.tamper ? options.tamper(body) : body,
    headers: { "x-twilio-email-event-webhook-signature": signature, "x-twilio-email-event-webhook-timestamp": timestamp },
  });
}

/** One SendGrid event about a message we sent, with our id echoed as custom_args do. */
export function sendGridEvent(event: string, sent: { messageId: string; notificationId: string; email: string }, extra: Record<string, unknown> = {}) {
  return {
    email: sent.email,
    timestamp: Number(nowSeconds()),
    event,
    sg_event_id: `sg-${crypto.randomUUID()}`,
    sg_message_id: `${sent.messageId}.filterdrecv-5645d9c87f-abcde-1-0`,
    tidings_notification_id: sent.notificationId,
    ...extra,
  };
}

export async function mailgunSignature(key: string, timestamp: string, token: string): Promise<string> {
  const hmac = await crypto.subtle.importKey("raw", utf8(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, utf8(timestamp + token)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A signed Mailgun webhook body for one event. */
export async function mailgunBody(key: string, eventData: Record<string, unknown>, options: { timestamp?: string; token?: string } = {}) {
  const timestamp = options.timestamp ?? nowSeconds();
  const token = options.token ?? crypto.randomUUID().replace(/-/g, "") + crypto.randomUUID().replace(/-/g, "").slice(0, 18);
  return { signature: { timestamp, token, signature: await mailgunSignature(key, timestamp, token) }, "event-data": eventData };
}

export function mailgunEvent(event: string, sent: { messageId: string; notificationId: string; email: string }, extra: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    event,
    timestamp: Date.now() / 1000,
    recipient: sent.email,
    message: { headers: { "message-id": sent.messageId } },
    "user-variables": { tidings_notification_id: sent.notificationId },
    ...extra,
  };
}

/**
 * An SNS signer of our own: an RSA key whose certificate the recorder serves under a fresh AWS
 * URL (fresh, because verified keys are cached per isolate by URL).
 */
export async function snsSigner(region = "us-east-1") {
  const pair = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const pem = pemAroundPublicKey(new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer));
  const host = `sns.${region}.amazonaws.com`;
  const certPath = `/SimpleNotificationService-${crypto.randomUUID().replace(/-/g, "")}.pem`;
  await sinkRespond(`/sns/${host}${certPath}`, pem);
  const certUrl = `https://${host}${certPath}`;
  const sign = async (fields: Record<string, unknown>) => {
    const envelope = { SignatureVersion: "2", SigningCertURL: certUrl, MessageId: crypto.randomUUID(), Timestamp: new Date().toISOString(), Signature: "", ...fields } as SnsEnvelope;
    const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, utf8(snsStringToSign(envelope))));
    return { ...envelope, Signature: toBase64(signature) };
  };
  return { host, certUrl, sign };
}

export async function postSns<T = Record<string, unknown>>(path: string, message: unknown, tamper?: (m: Record<string, unknown>) => Record<string, unknown>) {
  const body = tamper ? tamper(message as Record<string, unknown>) : message;
  return call<T>("POST", path, { rawBody: JSON.stringify(body), headers: { "content-type": "text/plain; charset=UTF-8" } });
}
