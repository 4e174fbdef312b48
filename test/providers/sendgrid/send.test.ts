import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type SendGridConfig, SendGridProvider } from "../../../src/providers/sendgrid/send";
import { outgoingEmail } from "../../fixtures/fakes";
import { receivedBy, setFakeBehaviour } from "../../fixtures/sendgrid-fake";
import { TEST_SENDGRID_API_KEY } from "../../setup/constants";

const sendgrid = (overrides: Partial<SendGridConfig> = {}) => new SendGridProvider({ apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), ...overrides });

describe("SendGridProvider against the SendGrid fake", () => {
  it("posts JSON with the Bearer key, text before html, our headers and custom args, and records X-Message-Id", async () => {
    const email = outgoingEmail();
    const result = await sendgrid().send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);

    const [mail, ...rest] = await receivedBy(email.to.email);
    expect(rest).toHaveLength(0);
    expect(mail?.headers.authorization).toBe(`Bearer ${TEST_SENDGRID_API_KEY}`);
    expect(mail?.body).toEqual({
      personalizations: [{ to: [{ email: email.to.email, name: "Robin Example" }] }],
      from: { email: "notifications@acme.test", name: "Acme Notifications" },
      reply_to: { email: "support@acme.test" },
      subject: email.subject,
      content: [
        { type: "text/plain", value: email.text },
        { type: "text/html", value: email.html },
      ],
      headers: email.headers,
      custom_args: { tidings_notification_id: email.notificationId, tidings_organization_id: email.organizationId },
    });
    expect(result).toMatchObject({ ok: true, value: { messageId: mail?.messageId, httpStatus: 202 } });
  });

  it("sends a plain-text-only email as a single text/plain content entry", async () => {
    const email = outgoingEmail({ html: undefined });
    expect((await sendgrid().send(email)).ok).toBe(true);
    const [mail] = await receivedBy(email.to.email);
    expect(mail?.body.content).toEqual([{ type: "text/plain", value: email.text }]);
  });

  it("treats 429 as retryable and passes on Retry-After", async () => {
    const email = outgoingEmail();
    await setFakeBehaviour({ to: email.to.email, failNext: 1, failureStatus: 429 });
    expect(await sendgrid().send(email)).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, httpStatus: 429, retryAfterSeconds: 1 } });
  });

  describe.each([500, 502, 503])("a %i answer", (status) => {
    it("is retryable, and the next try is accepted", async () => {
      const email = outgoingEmail();
      await setFakeBehaviour({ to: email.to.email, failNext: 1, failureStatus: status });
      expect(await sendgrid().send(email)).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, httpStatus: status } });
      expect((await sendgrid().send(email)).ok).toBe(true);
      expect(await receivedBy(email.to.email)).toHaveLength(1);
    });
  });

  it("treats a wrong API key (401) as a configuration problem", async () => {
    expect(await sendgrid({ apiKey: "SG.wrong" }).send(outgoingEmail())).toMatchObject({ ok: false, error: { code: "configuration", retry: true, httpStatus: 401 } });
  });

  it("treats a 400 as permanent, naming the failing field", async () => {
    const result = await sendgrid().send(outgoingEmail({ to: { email: "not-an-address" } }));
    expect(result).toMatchObject({ ok: false, error: { code: "refused", retry: false, httpStatus: 400 } });
    expect(!result.ok && result.error.message).toContain("personalizations.0.to.0.email");
  });

  it("treats an answer slower than the timeout as retryable", async () => {
    const email = outgoingEmail();
    await setFakeBehaviour({ to: email.to.email, latencyMs: 3_000 });
    const result = await sendgrid({ timeoutMs: 300 }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, message: "SendGrid did not answer in time" } });
  });
});
