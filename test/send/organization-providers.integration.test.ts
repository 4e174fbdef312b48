import { env } from "cloudflare:test";
import { describe, expect, it, inject } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { OrganizationView } from "../../src/operators/routes/organization/schema";
import { call } from "../fixtures/http";
import { setMailgunBehaviour } from "../fixtures/mailgun-fake";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { sesReceivedBy } from "../fixtures/ses-fake";
import { smtpReceivedBy } from "../fixtures/smtp-fake";
import { TEST_DKIM, TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN, TEST_SES, TEST_SMTP } from "../setup/constants";

async function signAs(apiKey: string) {
  const res = await call<OrganizationView>("PATCH", "/v1/organization", {
    key: apiKey,
    body: { fromEmail: `notifications@${TEST_DKIM.domain}`, sendingDomain: TEST_DKIM.domain, dkim: { selector: TEST_DKIM.selector, privateKeyPem: inject("dkimPrivateKeyPem") } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("an organisation's own providers and DKIM key", () => {
  it("fails over from Mailgun to SMTP and the message arrives DKIM-signed with the organisation's key", async () => {
    const org = await createOrganization();
    const view = await signAs(org.apiKey);
    expect(view.dkim).toEqual({ selector: TEST_DKIM.selector, configured: true });
    await configureProviders(org.apiKey, [
      { provider: "mailgun", apiKey: TEST_MAILGUN_API_KEY, domain: TEST_MAILGUN_DOMAIN, baseUrl: env.MAILGUN_FAKE_URL },
      { provider: "smtp", host: "localhost", port: env.SMTP_FAKE_PORT, startTls: true, ...TEST_SMTP },
    ]);
    const email = uniqueEmail("smtp");
    await setMailgunBehaviour({ to: email, failNext: 1, failureStatus: 500 });

    const { notificationId } = await postComment(org.apiKey, email);
    const n = await waitForStatus(notificationId, ["sent"]);
    expect(n.provider).toBe("smtp");
    const [received] = await smtpReceivedBy(email);
    expect(received?.subject).toBe("Grace commented on Ship v1");
    expect(received?.dkim).toEqual([expect.objectContaining({ domain: TEST_DKIM.domain, selector: TEST_DKIM.selector, result: "pass" })]);
  });

  it("sends through SES with its raw MIME signed by the organisation's key", async () => {
    const org = await createOrganization();
    await signAs(org.apiKey);
    await configureProviders(org.apiKey, [{ provider: "ses", ...TEST_SES, endpoint: env.SES_FAKE_URL }]);
    const { email, notificationId } = await postComment(org.apiKey);
    const n = await waitForStatus(notificationId, ["sent"]);
    expect(n.provider).toBe("ses");
    const [received] = await sesReceivedBy(email);
    expect(received?.message.dkim[0]?.result).toBe("pass");
    expect(received?.body.EmailTags).toEqual(expect.arrayContaining([{ Name: "tidings_notification_id", Value: notificationId }]));
  });

  it("refuses a sender outside the sending domain, since DMARC alignment would fail", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("PATCH", "/v1/organization", { key: org.apiKey, body: { fromEmail: "a@elsewhere.test", sendingDomain: "acme.test" } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields?.[0]?.path).toBe("fromEmail");
  });

  it("refuses a DKIM key that is not an RSA PKCS#8 private key and stores nothing", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("PATCH", "/v1/organization", {
      key: org.apiKey,
      body: { dkim: { selector: "s1", privateKeyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" } },
    });
    expect(res.status).toBe(400);
    const after = await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey });
    expect(after.body.dkim).toBeNull();
  });

  it("never shows stored provider secrets back", async () => {
    const org = await createOrganization();
    const view = await configureProviders(org.apiKey, [{ provider: "ses", ...TEST_SES, endpoint: env.SES_FAKE_URL }]);
    expect(JSON.stringify(view)).not.toContain(TEST_SES.secretAccessKey);
    expect(view.providers[0]?.settings.secretAccessKey).toBe(`…${TEST_SES.secretAccessKey.slice(-4)}`);
  });
});
