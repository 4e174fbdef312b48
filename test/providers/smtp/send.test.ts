import { describe, expect, it } from "vitest";
import { outgoingEmail, uniqueRecipient } from "../../fixtures/fakes";
import { setSmtpBehaviour, smtpProvider, smtpReceivedBy } from "../../fixtures/smtp-fake";
import { TEST_SMTP } from "../../setup/constants";

describe("SmtpProvider against a real SMTP server", () => {
  it("upgrades with STARTTLS, authenticates, and delivers exactly the message it built", async () => {
    const email = outgoingEmail();
    const result = await smtpProvider("starttls").send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);

    const [mail, ...rest] = await smtpReceivedBy(email.to.email);
    expect(rest).toHaveLength(0);
    expect(mail).toMatchObject({ transport: "starttls", user: TEST_SMTP.username, mailFrom: "notifications@acme.test", recipients: [email.to.email] });
    expect(result.ok && result.value.messageId).toBe(mail?.messageId);
    expect(mail?.from).toEqual({ address: "notifications@acme.test", name: "Acme Notifications" });
    expect(mail?.to).toEqual([{ address: email.to.email, name: "Robin Example" }]);
    expect(mail?.subject).toBe(email.subject);
    expect(mail?.text.trim()).toBe(email.text.trim());
    expect(mail?.html.trim()).toBe(email.html);
    expect(mail?.headers).toMatchObject({
      "reply-to": "support@acme.test",
      "list-unsubscribe": "<https://tidings.test/u/opaque-token>",
      "list-unsubscribe-post": "List-Unsubscribe=One-Click",
      "mime-version": "1.0",
    });
    expect(mail?.headers["content-type"]).toMatch(/^multipart\/alternative; boundary=/);
    expect(mail?.raw).not.toMatch(/[^\r]\n/); // CRLF line endings only
  });

  it("delivers a plain-text-only email as one text/plain body, no multipart and no HTML", async () => {
    const email = outgoingEmail({ html: undefined, text: "Grace commented on Ship v1:\n\nLooks good — ship it.\n\nUnsubscribe: https://tidings.test/u/opaque-token" });
    expect((await smtpProvider("starttls").send(email)).ok).toBe(true);
    const [mail] = await smtpReceivedBy(email.to.email);
    expect(mail?.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(mail?.text.trim()).toBe(email.text);
    expect(mail?.html).toBe("");
    expect(mail?.raw).not.toContain("multipart");
  });

  it("delivers over implicit TLS", async () => {
    const email = outgoingEmail();
    const result = await smtpProvider("implicit-tls").send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect((await smtpReceivedBy(email.to.email))[0]?.transport).toBe("implicit-tls");
  });

  it("delivers in clear text when neither TLS mode is configured (a local relay)", async () => {
    const email = outgoingEmail();
    const result = await smtpProvider("plain").send(email);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect((await smtpReceivedBy(email.to.email))[0]?.transport).toBe("plain");
  });

  it("encodes non-ASCII subjects and names so that the receiver decodes them back unchanged", async () => {
    const subject = "Fünf neue Kommentare zu „Q3-Planung“ — 👍 und noch ein ziemlich langer Betreff, der gefaltet werden muss";
    const email = outgoingEmail({ subject, from: { email: "notifications@acme.test", name: "Équipe Acme, Paris" }, to: { email: uniqueRecipient(), name: 'Zoë "Z" Müller' } });
    expect((await smtpProvider().send(email)).ok).toBe(true);
    const [mail] = await smtpReceivedBy(email.to.email);
    expect(mail?.subject).toBe(subject);
    expect(mail?.from?.name).toBe("Équipe Acme, Paris");
    expect(mail?.to[0]?.name).toBe('Zoë "Z" Müller');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion is that every byte is 7-bit, control characters included.
    expect(mail?.raw).toMatch(/^[\x00-\x7f]*$/);
  });

  it("round-trips long lines, trailing spaces and lines starting with a dot", async () => {
    const text = `.starts with a dot\n..two dots\n.\ntrailing spaces   \n${"a long line with ünïcödé ".repeat(80)}\n`;
    const email = outgoingEmail({ text, html: `<p>${"x".repeat(3000)}</p>` });
    expect((await smtpProvider().send(email)).ok).toBe(true);
    const [mail] = await smtpReceivedBy(email.to.email);
    expect(mail?.text).toBe(text);
    expect(mail?.html).toBe(email.html);
    expect(mail?.raw.split("\r\n").every((line) => line.length <= 998)).toBe(true);
  });

  it("treats a 451 for the recipient as retryable, and the next try is delivered", async () => {
    const email = outgoingEmail();
    await setSmtpBehaviour({ to: email.to.email, failNext: 1, failureStatus: 451 });
    const first = await smtpProvider().send(email);
    expect(first).toMatchObject({ ok: false, error: { code: "unavailable", retry: true, smtpCode: 451 } });
    expect((await smtpProvider().send(email)).ok).toBe(true);
    expect(await smtpReceivedBy(email.to.email)).toHaveLength(1);
  });

  describe.each([550, 551, 553])("a %i for the recipient", (code) => {
    it("is permanent and delivers nothing", async () => {
      const email = outgoingEmail();
      await setSmtpBehaviour({ to: email.to.email, failNext: 1, failureStatus: code });
      const result = await smtpProvider().send(email);
      expect(result).toMatchObject({ ok: false, error: { code: "refused", retry: false, smtpCode: code } });
      expect(!result.ok && result.error.message).toContain(`failed at rcpt: ${code}`);
      expect(await smtpReceivedBy(email.to.email)).toHaveLength(0);
    });
  });

  it("treats content refused at the end of DATA (554) as permanent", async () => {
    const email = outgoingEmail();
    await setSmtpBehaviour({ to: email.to.email, failNext: 1, failureStatus: 554, failAt: "data" });
    expect(await smtpProvider().send(email)).toMatchObject({ ok: false, error: { code: "refused", retry: false, smtpCode: 554 } });
  });

  it("treats a rejected password (535) as a configuration problem", async () => {
    const email = outgoingEmail();
    const result = await smtpProvider("starttls", { password: "wrong" }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, smtpCode: 535 } });
    expect(await smtpReceivedBy(email.to.email)).toHaveLength(0);
  });

  it("treats missing credentials on a server that requires AUTH as a configuration problem", async () => {
    const email = outgoingEmail();
    const result = await smtpProvider("starttls", { username: undefined, password: undefined }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "configuration", retry: true, smtpCode: 530 } });
  });

  it("treats a server that answers too slowly as retryable", async () => {
    const email = outgoingEmail();
    await setSmtpBehaviour({ to: email.to.email, latencyMs: 3_000 });
    const result = await smtpProvider("starttls", { timeoutMs: 300 }).send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true } });
    expect(!result.ok && result.error.message).toMatch(/did not answer in time/);
  });

  it("treats a refused connection as retryable", async () => {
    const result = await smtpProvider("plain", { host: "127.0.0.1", port: 1 }).send(outgoingEmail());
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retry: true } });
  });

  it("refuses, before connecting, a header value that would inject lines", async () => {
    const email = outgoingEmail({ headers: { "X-Campaign": "a\r\nBcc: victim@example.test" } });
    const result = await smtpProvider().send(email);
    expect(result).toMatchObject({ ok: false, error: { code: "refused", retry: false } });
    expect(await smtpReceivedBy(email.to.email)).toHaveLength(0);
  });
});
