import { describe, expect, it } from "vitest";
import { recipientLinks } from "../../src/recipient-pages/links";
import { loadTokenKeys } from "../../src/platform/crypto/token-keys";
import { verifyRecipientToken } from "../../src/recipient-pages/token";
import { outgoingEmail, testDkim } from "../fixtures/fakes";
import { testEnv } from "../fixtures/organization";
import { withServices } from "../fixtures/services";
import { createServices } from "../../src/services";
import { smtpProvider, smtpReceivedBy } from "../fixtures/smtp-fake";
import { ONE_CLICK, pageSubject, postForm, recipientState } from "../fixtures/recipient-pages";

const ids = () => ({ organizationId: crypto.randomUUID(), recipientId: crypto.randomUUID() });

async function claimsOf(url: string | undefined) {
  const token = url?.split("/").pop() ?? "";
  const keys = await loadTokenKeys(testEnv());
  if (!keys.ok) throw new Error(keys.error);
  return verifyRecipientToken(keys.value, token);
}

describe("recipientLinks", () => {
  it("gives non-critical mail RFC 8058 headers and footer links: unsubscribe names the category, preferences none", async () => {
    const subject = ids();
    const { links, headers } = await withServices((s) => recipientLinks(s, { ...subject, category: "comments", critical: false }));
    expect(links.unsubscribeUrl).toMatch(/^https:\/\/tidings\.test\/u\/k2\.[\w-]+\.[\w-]+$/);
    expect(links.preferencesUrl).toMatch(/^https:\/\/tidings\.test\/p\/k2\.[\w-]+\.[\w-]+$/);
    expect(headers).toEqual({ "List-Unsubscribe": `<${links.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    expect(await claimsOf(links.unsubscribeUrl)).toEqual({ ok: true, value: { ...subject, category: "comments" } });
    expect(await claimsOf(links.preferencesUrl)).toEqual({ ok: true, value: subject });
  });

  it("adds the organisation's unsubscribe mailbox after the https URI", async () => {
    const { links, headers } = await withServices((s) =>
      recipientLinks(s, { ...ids(), category: "comments", critical: false, branding: { unsubscribeMailto: "unsubscribe@acme.test" } }),
    );
    const token = links.unsubscribeUrl?.split("/").pop();
    expect(headers["List-Unsubscribe"]).toBe(`<${links.unsubscribeUrl}>, <mailto:unsubscribe@acme.test?subject=unsubscribe%20${token}>`);
  });

  it("gives critical mail neither links nor headers", async () => {
    expect(await withServices((s) => recipientLinks(s, { ...ids(), category: "security", critical: true }))).toEqual({ links: {}, headers: {} });
  });

  it("gives nothing, rather than failing the send, when no signing keys are configured", async () => {
    const services = createServices({ ...testEnv(), TOKEN_SIGNING_KEYS: undefined });
    try {
      expect(await recipientLinks(services, { ...ids(), category: "comments", critical: false })).toEqual({ links: {}, headers: {} });
    } finally {
      await services.close();
    }
  });
});

describe("the headers on a received email", () => {
  it("arrive at the SMTP fake DKIM-signed, h= covering both, and the received URI unsubscribes with one POST", async () => {
    const { organization, recipient } = await pageSubject();
    const { headers } = await withServices((s) =>
      recipientLinks(s, { organizationId: organization.organizationId, recipientId: recipient.id, category: "comments", critical: false }),
    );
    const email = outgoingEmail({ headers });
    expect((await smtpProvider("starttls", { dkim: testDkim() }).send(email)).ok).toBe(true);
    const [mail] = await smtpReceivedBy(email.to.email);
    expect(mail?.headers["list-unsubscribe"]).toBe(headers["List-Unsubscribe"]);
    expect(mail?.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail?.dkim[0]?.result).toBe("pass");
    expect(mail?.dkim[0]?.signedHeaders).toEqual(expect.arrayContaining(["list-unsubscribe", "list-unsubscribe-post"]));

    const url = new URL(/<([^>]+)>/.exec(mail?.headers["list-unsubscribe"] ?? "")?.[1] ?? "");
    expect((await postForm(url.pathname, ONE_CLICK)).status).toBe(200);
    expect((await recipientState(recipient.id)).choices).toEqual([{ category: "comments", enabled: false, delivery: null, digest: null }]);
  });
});
