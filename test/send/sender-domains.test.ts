import { env } from "cloudflare:test";
import { describe, expect, inject, it, vi } from "vitest";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import type { OrganizationView } from "../../src/operators/routes/organization/schema";
import { uniqueDomain } from "../fixtures/dns-fake";
import { call } from "../fixtures/http";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { claim, createRecipient, digestsOf, setChoice, storeNotifications, windowStub } from "../fixtures/preferences";
import { configureProviders } from "../fixtures/providers";
import { createDomain, verifiedDomain } from "../fixtures/sender-domains";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { withServices } from "../fixtures/services";
import { smtpReceivedBy } from "../fixtures/smtp-fake";
import { TEST_SMTP } from "../setup/constants";

async function patchOrganization(apiKey: string, body: Record<string, unknown>) {
  const res = await call<OrganizationView>("PATCH", "/v1/organization", { key: apiKey, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const sendFrom = (apiKey: string, domain: string) => patchOrganization(apiKey, { fromEmail: `notifications@${domain}` });

const smtpFake = () => ({ provider: "smtp" as const, host: "localhost", port: env.SMTP_FAKE_PORT, startTls: true, ...TEST_SMTP });

describe("the send-time rule: mail goes only from a sender domain the organisation may use", () => {
  it("fails a notification from a domain the organisation never added, says so, and calls no provider", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    await sendFrom(org.apiKey, domain);
    const { email, notificationId } = await postComment(org.apiKey);
    const n = await waitForStatus(notificationId, ["failed", "sent"]);
    expect(n.status).toBe("failed");
    expect(n.failureReason).toBe(`sender domain ${domain} is not verified for this organisation (POST /v1/domains)`);
    expect(n.attempts).toEqual([]);
    expect(await receivedBy(email)).toEqual([]);
  });

  it("fails it while the domain is still pending, pointing at the domain's verify call", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    const pending = await createDomain(org.apiKey, domain);
    await sendFrom(org.apiKey, domain);
    const { email, notificationId } = await postComment(org.apiKey);
    const n = await waitForStatus(notificationId, ["failed", "sent"]);
    expect(n.failureReason).toBe(
      `sender domain ${domain} is not verified for this organisation (it is pending: publish its DNS records, then POST /v1/domains/${pending.id}/verify)`,
    );
    expect(await receivedBy(email)).toEqual([]);
  });

  it("sends from a verified domain and its subdomains, DKIM-signed over SMTP with that domain's new key", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    await configureProviders(org.apiKey, [smtpFake()]);
    const verified = await verifiedDomain(org.apiKey, domain);
    for (const from of [domain, `news.${domain}`]) {
      await sendFrom(org.apiKey, from);
      const { email, notificationId } = await postComment(org.apiKey);
      const n = await waitForStatus(notificationId, ["failed", "sent"]);
      expect(n, n.failureReason ?? "").toMatchObject({ status: "sent", provider: "smtp" });
      const [received] = await smtpReceivedBy(email);
      expect(received?.from?.address).toBe(`notifications@${from}`);
      expect(received?.dkim).toEqual([expect.objectContaining({ domain, selector: verified.dkim.selector, result: "pass" })]);
    }
  });

  it("signs with the verified domain's key rather than one set by hand for the same domain", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    await patchOrganization(org.apiKey, { fromEmail: `notifications@${domain}`, sendingDomain: domain, dkim: { selector: "byhand1", privateKeyPem: inject("dkimPrivateKeyPem") } });
    await configureProviders(org.apiKey, [smtpFake()]);
    const verified = await verifiedDomain(org.apiKey, domain);
    const { email, notificationId } = await postComment(org.apiKey);
    expect((await waitForStatus(notificationId, ["failed", "sent"])).status).toBe("sent");
    const [received] = await smtpReceivedBy(email);
    expect(received?.dkim).toEqual([expect.objectContaining({ domain, selector: verified.dkim.selector, result: "pass" })]);
  });

  it("keeps sending from a sending domain whose DKIM key was set by hand, but not from one set without a key", async () => {
    const withKey = await createOrganization();
    const keyed = uniqueDomain("byhand");
    await patchOrganization(withKey.apiKey, {
      fromEmail: `notifications@${keyed}`,
      sendingDomain: keyed,
      dkim: { selector: "byhand1", privateKeyPem: inject("dkimPrivateKeyPem") },
    });
    const sent = await postComment(withKey.apiKey);
    expect((await waitForStatus(sent.notificationId, ["failed", "sent"])).status).toBe("sent");
    expect(await receivedBy(sent.email)).toHaveLength(1);

    const withoutKey = await createOrganization();
    const bare = uniqueDomain("bare");
    await patchOrganization(withoutKey.apiKey, { fromEmail: `notifications@${bare}`, sendingDomain: bare });
    const refused = await postComment(withoutKey.apiKey);
    expect((await waitForStatus(refused.notificationId, ["failed", "sent"])).failureReason).toContain(`sender domain ${bare} is not verified`);
    expect(await receivedBy(refused.email)).toEqual([]);
  });

  it("sends from the deployment's own sender domains (UNVERIFIED_SENDER_DOMAINS) and their subdomains, but not from a look-alike", async () => {
    const org = await createOrganization();
    for (const from of ["acme.test", "eu.acme.test"]) {
      await sendFrom(org.apiKey, from);
      const { email, notificationId } = await postComment(org.apiKey);
      expect((await waitForStatus(notificationId, ["failed", "sent"])).status).toBe("sent");
      expect((await receivedBy(email))[0]?.body.from.email).toBe(`notifications@${from}`);
    }
    await sendFrom(org.apiKey, "notacme.test");
    const { email, notificationId } = await postComment(org.apiKey);
    expect((await waitForStatus(notificationId, ["failed", "sent"])).failureReason).toBe("sender domain notacme.test is not verified for this organisation (POST /v1/domains)");
    expect(await receivedBy(email)).toEqual([]);
  });

  it("fails a digest from an unverified domain the same way, before any provider", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    await sendFrom(org.apiKey, domain);
    const r = await createRecipient(org.organizationId, { name: "Robin" });
    await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 50 } });
    const ids = await storeNotifications(org.organizationId, r.id, 2);
    await withServices(async (services) => {
      const claimed = await claim(services, ids);
      await recordDecisions(services.db, claimed, await decideNotifications(services, claimed));
    });
    await windowStub(org.organizationId, r.id, "comments").flush({});
    const digest = await vi.waitFor(
      async () => {
        const row = (await digestsOf(r.id)).find((d) => d.status === "failed" || d.status === "sent");
        if (!row) throw new Error("digest not settled yet");
        return row;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(digest).toMatchObject({ status: "failed", failureReason: `sender domain ${domain} is not verified for this organisation (POST /v1/domains)` });
    expect(await receivedBy(r.email)).toEqual([]);
  });
});
