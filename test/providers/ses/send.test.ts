import { describe, expect, it } from "vitest";
import { outgoingEmail } from "../../fixtures/fakes";
import { sesProvider, sesReceivedBy, setSesBehaviour } from "../../fixtures/ses-fake";
import { TEST_SES } from "../../setup/constants";

describe("SesProvider against the SES fake", () => {
  it("sends a SigV4-signed SendEmail with our raw MIME, tags and configuration set, and records SES's MessageId", async () => {
    const email = outgoingEmail();
    const result = await sesProvider().send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);

    const [sent, ...rest] = await sesReceivedBy(email.to.email);
    expect(rest).toHaveLength(0);
    expect(result).toMatchObject({ ok: true, value: { messageId: sent?.messageId, httpStatus: 200 } });
    expect(sent?.accessKeyId).toBe(TEST_SES.accessKeyId);
    expect(sent?.signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date"]));
    expect(sent?.body).toEqual({
      FromEmailAddress: "notifications@acme.test",
      Destination: { ToAddresses: [email.to.email] },
      EmailTags: [
        { Name: "tidings_notification_id", Value: email.notificationId },
        { Name: "tidings_organization_id", Value: email.organizationId },
      ],
      ConfigurationSetName: TEST_SES.configurationSetName,
    });
    expect(sent?.message).toMatchObject({ subject: email.subject, to: [{ address: email.to.email, name: "Robin Example" }], html: email.html });
    expect(sent?.message.headers).toMatchObject({
      "list-unsubscribe": "<https://tidings.test/u/opaque-token>",
      "list-unsubscribe-post": "List-Unsubscribe=One-Click",
      "reply-to": "support@acme.test",
    });
  });

  it("sends a plain-text-only email as raw MIME with a text part alone", async () => {
    const email = outgoingEmail({ html: undefined });
    expect((await sesProvider().send(email)).ok).toBe(true);
    const [sent] = await sesReceivedBy(email.to.email);
    expect(sent?.message).toMatchObject({ text: expect.stringContaining(email.text.trim()), html: "" });
    expect(sent?.message.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });

  it("keeps tag values inside SES's charset (letters, digits, _ and -)", async () => {
    const email = outgoingEmail({ notificationId: "notif:42/ä b" });
    expect((await sesProvider().send(email)).ok).toBe(true);
    const [sent] = await sesReceivedBy(email.to.email);
    expect(sent?.body.EmailTags?.[0]).toEqual({ Name: "tidings_notification_id", Value: "notif_42___b" });
  });

  it("is refused with 403 when signed with the wrong secret, a configuration problem", async () => {
    const email = outgoingEmail();
    const result = await sesProvider({ secretAccessKey: "not-the-secret" }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 403 } });
    expect(!result.ok && result.error.message).toContain("InvalidSignatureException");
    expect(await sesReceivedBy(email.to.email)).toHaveLength(0);
  });

  it("is refused when the credential is scoped to another region", async () => {
    const result = await sesProvider({ region: "us-west-2" }).send(outgoingEmail());
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 403 } });
  });

  it("treats an unverified sender as a configuration problem, not the message's", async () => {
    const result = await sesProvider().send(outgoingEmail({ from: { email: "notifications@unverified.test" } }));
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 400 } });
    expect(!result.ok && result.error.message).toMatch(/MessageRejected: Email address is not verified/);
  });

  it("treats an unknown configuration set as a configuration problem", async () => {
    const result = await sesProvider({ configurationSetName: "missing" }).send(outgoingEmail());
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 404 } });
  });

  it("treats throttling (429 TooManyRequestsException) as retryable and passes on Retry-After", async () => {
    const email = outgoingEmail();
    await setSesBehaviour({ to: email.to.email, failNext: 1, failureStatus: 429 });
    const result = await sesProvider().send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, httpStatus: 429, retryAfterSeconds: 1 } });
    expect(!result.ok && result.error.message).toContain("TooManyRequestsException");
  });

  describe.each([
    [500, "InternalFailure", "unavailable"],
    [503, "ServiceUnavailable", "unavailable"],
    [400, "LimitExceededException", "unavailable"],
    [400, "MessageRejected", "refused"],
    [400, "BadRequestException", "refused"],
    [400, "AccountSuspendedException", "configuration"],
    [400, "SendingPausedException", "configuration"],
    [400, "MailFromDomainNotVerifiedException", "configuration"],
  ] as const)("a %i %s", (status, type, code) => {
    it(`is ${code}`, async () => {
      const email = outgoingEmail();
      await setSesBehaviour({ to: email.to.email, failNext: 1, failureStatus: status, failureType: type });
      const result = await sesProvider().send(email);
      expect(result).toMatchObject({ ok: false, error: { code, retry: code !== "refused", httpStatus: status } });
      expect(!result.ok && result.error.message).toContain(type);
    });
  });

  it("treats an answer slower than the timeout as retryable", async () => {
    const email = outgoingEmail();
    await setSesBehaviour({ to: email.to.email, latencyMs: 3_000 });
    const result = await sesProvider({ timeoutMs: 300 }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, message: "SES did not answer in time" } });
  });
});
