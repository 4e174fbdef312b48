import { describe, expect, it } from "vitest";
import { outgoingEmail, uniqueRecipient } from "../../fixtures/fakes";
import { mailgunProvider, mailgunReceivedBy, setMailgunBehaviour } from "../../fixtures/mailgun-fake";
import { TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN } from "../../setup/constants";

describe("MailgunProvider against the Mailgun fake", () => {
  it("posts a multipart form with Basic auth to its domain, and records the id without angle brackets", async () => {
    const email = outgoingEmail();
    const result = await mailgunProvider().send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);

    const [mail, ...rest] = await mailgunReceivedBy(email.to.email);
    expect(rest).toHaveLength(0);
    expect(mail?.domain).toBe(TEST_MAILGUN_DOMAIN);
    expect(mail?.authorization).toBe(`Basic ${btoa(`api:${TEST_MAILGUN_API_KEY}`)}`);
    expect(mail?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(mail?.fields).toEqual({
      from: '"Acme Notifications" <notifications@acme.test>',
      to: `"Robin Example" <${email.to.email}>`,
      subject: email.subject,
      text: email.text,
      html: email.html,
      "h:Reply-To": "support@acme.test",
      "h:List-Unsubscribe": "<https://tidings.test/u/opaque-token>",
      "h:List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "v:tidings_notification_id": email.notificationId,
      "v:tidings_organization_id": email.organizationId,
    });
    expect(result).toMatchObject({ ok: true, value: { messageId: mail?.messageId, httpStatus: 200 } });
    expect(mail?.id).toBe(`<${mail?.messageId}>`);
    expect(mail?.messageId).not.toMatch(/[<>]/);
  });

  it("posts no html field for a plain-text-only email", async () => {
    const email = outgoingEmail({ html: undefined });
    expect((await mailgunProvider().send(email)).ok).toBe(true);
    const [mail] = await mailgunReceivedBy(email.to.email);
    expect(mail?.fields.text).toBe(email.text);
    expect(mail?.fields).not.toHaveProperty("html");
  });

  it("sends UTF-8 names and subjects as they are, leaving header encoding to Mailgun", async () => {
    const email = outgoingEmail({ subject: "Größere Änderungen 🚀", to: { email: uniqueRecipient(), name: 'Zoë "Z" Müller' } });
    expect((await mailgunProvider().send(email)).ok).toBe(true);
    const [mail] = await mailgunReceivedBy(email.to.email);
    expect(mail?.fields.subject).toBe("Größere Änderungen 🚀");
    expect(mail?.fields.to).toBe(`"Zoë \\"Z\\" Müller" <${email.to.email}>`);
  });

  it("treats 429 as retryable and passes on Retry-After", async () => {
    const email = outgoingEmail();
    await setMailgunBehaviour({ to: email.to.email, failNext: 1, failureStatus: 429 });
    const result = await mailgunProvider().send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, httpStatus: 429, retryAfterSeconds: 1 } });
  });

  describe.each([500, 502, 503])("a %i answer", (status) => {
    it("is retryable, and the next try is accepted", async () => {
      const email = outgoingEmail();
      await setMailgunBehaviour({ to: email.to.email, failNext: 1, failureStatus: status });
      expect(await mailgunProvider().send(email)).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, httpStatus: status } });
      expect((await mailgunProvider().send(email)).ok).toBe(true);
      expect(await mailgunReceivedBy(email.to.email)).toHaveLength(1);
    });
  });

  it("treats a wrong API key (401) as a configuration problem", async () => {
    const result = await mailgunProvider({ apiKey: "key-wrong" }).send(outgoingEmail());
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 401 } });
  });

  it("treats an unknown domain (404) as a configuration problem, naming the domain", async () => {
    const result = await mailgunProvider({ domain: "eu-only.example.test" }).send(outgoingEmail());
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 404 } });
    expect(!result.ok && result.error.message).toContain("Domain not found: eu-only.example.test");
  });

  it("treats a 400 as permanent, with Mailgun's message", async () => {
    const result = await mailgunProvider().send(outgoingEmail({ to: { email: "not-an-address" } }));
    expect(result).toMatchObject({ ok: false, error: { code: "refused", retry: false, httpStatus: 400 } });
    expect(!result.ok && result.error.message).toContain("to parameter is not a valid address");
  });

  it("treats an answer slower than the timeout as retryable", async () => {
    const email = outgoingEmail();
    await setMailgunBehaviour({ to: email.to.email, failNext: 0, latencyMs: 3_000 });
    const result = await mailgunProvider({ timeoutMs: 300 }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, message: "Mailgun did not answer in time" } });
  });
});
