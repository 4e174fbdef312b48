import { describe, expect, it } from "vitest";
import { pemToDer, rsaPublicKeyFromCertificate } from "../../../src/providers/ses/x509";
import { SNS_CERTIFICATE_PEM } from "../../fixtures/webhook-vectors/sns";
import { pemAroundPublicKey, toBase64 } from "../../fixtures/webhooks";

const spkiOf = (pem: string) => {
  const der = pemToDer(pem);
  return der.ok ? rsaPublicKeyFromCertificate(der.value) : der;
};

describe("X.509 SubjectPublicKeyInfo extraction", () => {
  it("takes the RSA key out of AWS's SNS certificate, and WebCrypto imports it", async () => {
    const spki = spkiOf(SNS_CERTIFICATE_PEM);
    if (!spki.ok) throw new Error(spki.error);
    // The certificate's own base64 shows the SPKI starting at "MIIBIjAN…", modulus "utFqueT3…".
    expect(toBase64(spki.value)).toMatch(/^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAutFqueT3XgP13udzxE6U.*IDAQAB$/);
    const key = await crypto.subtle.importKey("spki", spki.value, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]);
    expect(key.algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048 });
  });

  it("accepts CRLF line endings and surrounding whitespace, but nothing else around the PEM", () => {
    expect(spkiOf(`\n${SNS_CERTIFICATE_PEM.replaceAll("\n", "\r\n")}\r\n`).ok).toBe(true);
    expect(spkiOf(`junk\n${SNS_CERTIFICATE_PEM}`).ok).toBe(false);
    expect(spkiOf(`${SNS_CERTIFICATE_PEM}\n${SNS_CERTIFICATE_PEM}`).ok).toBe(false);
    expect(spkiOf("<html>404</html>").ok).toBe(false);
  });

  it("refuses truncated or padded DER instead of reading past it", () => {
    const der = pemToDer(SNS_CERTIFICATE_PEM);
    if (!der.ok) throw new Error(der.error);
    for (const cut of [1, 10, 100, 500, der.value.length - 1]) expect(rsaPublicKeyFromCertificate(der.value.slice(0, cut)).ok, `cut at ${cut}`).toBe(false);
    expect(rsaPublicKeyFromCertificate(Uint8Array.of(...der.value, 0)).ok).toBe(false);
  });

  it("refuses a certificate whose key is not RSA", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const pem = pemAroundPublicKey(new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer));
    expect(spkiOf(pem)).toEqual({ ok: false, error: "the certificate's key is not RSA" });
  });
});
