import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { setSmtpBehaviour } from "../fixtures/smtp-fake";
import { TEST_SMTP } from "../setup/constants";

describe("a provider's refusal that quotes the recipient", () => {
  it("is stored on the attempt and as the failure reason without the address", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [{ provider: "smtp", host: "localhost", port: env.SMTP_FAKE_PORT, startTls: true, ...TEST_SMTP }]);
    const local = `grace.hopper.${crypto.randomUUID().slice(0, 8)}`;
    const email = `${local}@cobol-private.example`;
    // Postfix's answer for an unknown mailbox: "550 5.1.1 <address>: Recipient address rejected: …".
    await setSmtpBehaviour({ to: email, failNext: 1, failureStatus: 550, quoteRecipient: true });

    const { notificationId } = await postComment(org.apiKey, email);
    const n = await waitForStatus(notificationId, ["failed"]);

    const [attempt] = n.attempts;
    expect(attempt?.outcome).toBe("permanent");
    for (const stored of [attempt?.error ?? "", n.failureReason ?? ""]) {
      // Still says what happened, and where.
      expect(stored).toContain("failed at rcpt: 550 5.1.1 <[recipient]>: Recipient address rejected");
      expect(stored).not.toContain(local);
      expect(stored.toLowerCase()).not.toContain("cobol-private");
    }
  });
});
