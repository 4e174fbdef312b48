import { describe, expect, it } from "vitest";
import { ecdsaDerToRaw } from "../../../src/providers/shared/der";
import { type SendGridSignatureInput, verifySendGridSignature } from "../../../src/providers/sendgrid/webhook-verify";
import {
  SENDGRID_BAD_PAYLOAD,
  SENDGRID_BAD_SIGNATURE,
  SENDGRID_BAD_TIMESTAMP,
  SENDGRID_OTHER_PUBLIC_KEY,
  SENDGRID_PAYLOAD,
  SENDGRID_PUBLIC_KEY,
  SENDGRID_SIGNATURE,
  SENDGRID_TIMESTAMP,
} from "../../fixtures/webhook-vectors/sendgrid";
import { ecdsaRawToDer, toBase64, utf8 } from "../../fixtures/webhooks";

const signedAt = new Date(Number(SENDGRID_TIMESTAMP) * 1000);
const published = { publicKey: SENDGRID_PUBLIC_KEY, signature: SENDGRID_SIGNATURE, timestamp: SENDGRID_TIMESTAMP, rawBody: utf8(SENDGRID_PAYLOAD), now: signedAt };

async function codeOf(input: Partial<SendGridSignatureInput>) {
  const result = await verifySendGridSignature({ ...published, ...input });
  return result.ok ? "OK" : result.error.code;
}

describe("SendGrid Event Webhook signature", () => {
  it("accepts SendGrid's published valid vector, from bytes or an ArrayBuffer", async () => {
    expect(await codeOf({})).toBe("OK");
    expect(await codeOf({ rawBody: utf8(SENDGRID_PAYLOAD).buffer as ArrayBuffer })).toBe("OK");
  });

  it("refuses each of SendGrid's published invalid vectors", async () => {
    expect(await codeOf({ publicKey: SENDGRID_OTHER_PUBLIC_KEY })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ rawBody: utf8(SENDGRID_BAD_PAYLOAD) })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ signature: SENDGRID_BAD_SIGNATURE })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ timestamp: SENDGRID_BAD_TIMESTAMP })).toBe("MALFORMED_TIMESTAMP");
  });

  it("refuses a body changed by one byte, or re-serialised with different whitespace", async () => {
    expect(await codeOf({ rawBody: utf8(SENDGRID_PAYLOAD.replace("test_event", "test_evenT")) })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ rawBody: utf8(JSON.stringify(JSON.parse(SENDGRID_PAYLOAD), null, 1)) })).toBe("BAD_SIGNATURE");
  });

  it("binds the signature to the timestamp: a fresh but different timestamp is refused", async () => {
    expect(await codeOf({ timestamp: String(Number(SENDGRID_TIMESTAMP) + 1) })).toBe("BAD_SIGNATURE");
  });

  it("refuses a timestamp older or newer than the tolerance, and honours a custom tolerance", async () => {
    const at = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);
    expect(await codeOf({ now: at(600) })).toBe("OK");
    expect(await codeOf({ now: at(601) })).toBe("STALE_TIMESTAMP");
    expect(await codeOf({ now: at(-601) })).toBe("STALE_TIMESTAMP");
    const result = await verifySendGridSignature({ ...published, now: at(60), toleranceSeconds: 30 });
    expect(result.ok ? "OK" : result.error.code).toBe("STALE_TIMESTAMP");
  });

  it("refuses a signature that is not base64 DER, and reports an unusable configured key as ours", async () => {
    expect(await codeOf({ signature: "not base64!" })).toBe("MALFORMED_SIGNATURE");
    expect(await codeOf({ signature: toBase64(utf8("plain bytes")) })).toBe("MALFORMED_SIGNATURE");
    expect(await codeOf({ publicKey: "bm90IGEga2V5" })).toBe("INVALID_KEY");
    const invalidKey = await verifySendGridSignature({ ...published, publicKey: "" });
    expect(invalidKey.ok ? undefined : invalidKey.error.retry).toBe(true);
  });

  it("verifies signatures whose r or s is short or has its top bit set, after DER re-padding", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const publicKey = toBase64(new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer));
    const seen = { short: 0, padded: 0 };
    // About one signature in 128 has a half starting with a zero byte; 3000 tries all but guarantee one.
    for (let i = 0; i < 3000 && (seen.short === 0 || seen.padded === 0); i++) {
      const body = utf8(`{"n":${i}}`);
      const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, new Uint8Array([...utf8(SENDGRID_TIMESTAMP), ...body])));
      const isShort = raw[0] === 0 || raw[32] === 0;
      const isPadded = (raw[0] ?? 0) >= 0x80 || (raw[32] ?? 0) >= 0x80;
      if (!isShort && !(isPadded && seen.padded === 0)) continue;
      const result = await verifySendGridSignature({ ...published, publicKey, signature: toBase64(ecdsaRawToDer(raw)), rawBody: body });
      expect(result.ok, `signature ${i}`).toBe(true);
      if (isShort) seen.short++;
      if (isPadded) seen.padded++;
    }
    expect(seen.short).toBeGreaterThan(0);
    expect(seen.padded).toBeGreaterThan(0);
  });
});

describe("DER to raw ECDSA signature conversion", () => {
  const r = new Uint8Array(32).fill(0x11);
  const s = new Uint8Array(32).fill(0x22);

  it("left-pads short integers and strips the sign byte of 33-byte ones", () => {
    const shortR = Uint8Array.of(0x30, 0x26, 0x02, 0x01, 0x05, 0x02, 0x21, 0x00, 0x80, ...new Uint8Array(31).fill(1));
    const raw = ecdsaDerToRaw(shortR);
    expect(raw?.slice(0, 32)).toEqual(Uint8Array.of(...new Uint8Array(31), 5));
    expect(raw?.slice(32)).toEqual(Uint8Array.of(0x80, ...new Uint8Array(31).fill(1)));
  });

  it("refuses non-minimal, negative, oversized, trailing and truncated encodings", () => {
    const ok = Uint8Array.of(0x30, 0x44, 0x02, 0x20, ...r, 0x02, 0x20, ...s);
    expect(ecdsaDerToRaw(ok)).toBeDefined();
    expect(ecdsaDerToRaw(Uint8Array.of(0x30, 0x45, 0x02, 0x21, 0x00, ...r, 0x02, 0x20, ...s))).toBeUndefined();
    expect(ecdsaDerToRaw(Uint8Array.of(0x30, 0x44, 0x02, 0x20, 0x91, ...r.slice(1), 0x02, 0x20, ...s))).toBeUndefined();
    expect(ecdsaDerToRaw(Uint8Array.of(0x30, 0x45, 0x02, 0x21, 0x01, ...r, 0x02, 0x20, ...s))).toBeUndefined();
    expect(ecdsaDerToRaw(Uint8Array.of(...ok, 0x00))).toBeUndefined();
    expect(ecdsaDerToRaw(ok.slice(0, 40))).toBeUndefined();
    expect(ecdsaDerToRaw(Uint8Array.of(0x30, 0x81, 0x44, ...ok.slice(2)))).toBeUndefined();
  });
});
