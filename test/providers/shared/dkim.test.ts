import { describe, expect, it } from "vitest";
import { canonicalizeBodyRelaxed, canonicalizeHeaderRelaxed, type DkimConfig } from "../../../src/providers/shared/dkim";
import { outgoingEmail, testDkim } from "../../fixtures/fakes";
import { sesProvider, sesReceivedBy } from "../../fixtures/ses-fake";
import { smtpProvider, smtpReceivedBy } from "../../fixtures/smtp-fake";
import { TEST_DKIM } from "../../setup/constants";

const ALWAYS_SIGNED = ["from", "to", "subject", "mime-version", "content-type", "list-unsubscribe", "list-unsubscribe-post"];

async function otherKey(): Promise<DkimConfig> {
  const pair = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...der)).replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`;
  return { ...TEST_DKIM, privateKeyPem: pem };
}

describe("DKIM signing, verified by mailauth in the fakes", () => {
  it("signs SMTP mail so that it verifies, covering List-Unsubscribe and List-Unsubscribe-Post", async () => {
    const email = outgoingEmail();
    const result = await smtpProvider("starttls", { dkim: testDkim() }).send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const [mail] = await smtpReceivedBy(email.to.email);
    expect(mail?.dkim).toHaveLength(1);
    expect(mail?.dkim[0]).toMatchObject({ domain: TEST_DKIM.domain, selector: TEST_DKIM.selector, result: "pass" });
    expect(mail?.dkim[0]?.signedHeaders).toEqual(expect.arrayContaining([...ALWAYS_SIGNED, "date", "message-id", "reply-to"]));
    expect(mail?.headers["dkim-signature"]).toMatch(/a=rsa-sha256; c=relaxed\/relaxed;/);
  });

  it("signs SES raw mail without Message-ID and Date, which SES rewrites, and it verifies", async () => {
    const email = outgoingEmail();
    const result = await sesProvider({ dkim: testDkim() }).send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const [sent] = await sesReceivedBy(email.to.email);
    expect(sent?.message.dkim[0]).toMatchObject({ domain: TEST_DKIM.domain, result: "pass" });
    expect(sent?.message.dkim[0]?.signedHeaders).toEqual(expect.arrayContaining(ALWAYS_SIGNED));
    expect(sent?.message.dkim[0]?.signedHeaders).not.toContain("message-id");
    expect(sent?.message.dkim[0]?.signedHeaders).not.toContain("date");
  });

  it("still verifies with non-ASCII content, long lines and trailing whitespace", async () => {
    const email = outgoingEmail({
      subject: "Größere Änderungen — 🚀",
      text: `Zeile mit Leerzeichen am Ende   \n\n\n${"ü".repeat(500)}\n\n`,
      html: `<p>\t${"x ".repeat(900)}</p>\n\n`,
    });
    expect((await smtpProvider("plain", { dkim: testDkim() }).send(email)).ok).toBe(true);
    expect((await smtpReceivedBy(email.to.email))[0]?.dkim[0]?.result).toBe("pass");
  });

  it("signs a plain-text-only message (one text/plain body) so that it verifies", async () => {
    const email = outgoingEmail({ html: undefined });
    expect((await smtpProvider("plain", { dkim: testDkim() }).send(email)).ok).toBe(true);
    expect((await smtpReceivedBy(email.to.email))[0]?.dkim[0]?.result).toBe("pass");
  });

  it("fails verification when signed with a key other than the published one, so a pass means something", async () => {
    const email = outgoingEmail();
    expect((await smtpProvider("starttls", { dkim: await otherKey() }).send(email)).ok).toBe(true);
    expect((await smtpReceivedBy(email.to.email))[0]?.dkim[0]?.result).toBe("fail");
  });

  it("refuses a PKCS#1 key with a hint to convert it, as a configuration problem", async () => {
    const dkim = { ...TEST_DKIM, privateKeyPem: "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n" };
    const email = outgoingEmail();
    const result = await smtpProvider("plain", { dkim }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true } });
    expect(!result.ok && result.error.message).toContain("PKCS#8");
    expect(await smtpReceivedBy(email.to.email)).toHaveLength(0);
  });

  it("canonicalizes headers and bodies as RFC 6376's relaxed example does", () => {
    expect(canonicalizeHeaderRelaxed("A: X") + canonicalizeHeaderRelaxed("B : Y\t\r\n\tZ  ")).toBe("a:X\r\nb:Y Z\r\n");
    expect(canonicalizeBodyRelaxed(" C \r\nD \t E\r\n\r\n\r\n")).toBe(" C\r\nD E\r\n");
    expect(canonicalizeBodyRelaxed("")).toBe("");
  });
});
