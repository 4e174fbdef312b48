import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { SenderDomainList, SenderDomainView } from "../../src/operators/routes/domains/schema";
import { unseal } from "../../src/platform/crypto/sealed-box";
import { senderDomains } from "../../src/platform/db/schema";
import type { ErrorBody } from "../../src/platform/errors";
import { apiKeyId, auditRows, auditText } from "../fixtures/audit";
import { withDb } from "../fixtures/database";
import { failLookups, publishTxt, uniqueDomain, unpublish } from "../fixtures/dns-fake";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { createDomain, publishRecords, recordOf, verifiedDomain, verifyDomain } from "../fixtures/sender-domains";
import { withServices } from "../fixtures/services";
import { TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN, TEST_SES, TEST_SMTP } from "../setup/constants";

type Reply = SenderDomainView & ErrorBody;

const storedRow = (id: string) => withDb(async (db) => (await db.select().from(senderDomains).where(eq(senderDomains.id, id)))[0]);

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const der = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

describe("POST /v1/domains", () => {
  it("answers with a new RSA 2048 DKIM key, sealed at rest, and the DKIM, SPF and DMARC records to publish", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    const res = await call<Reply>("POST", "/v1/domains", { key: org.apiKey, body: { domain: `${domain.toUpperCase()}.` } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { selector, publicKey } = res.body.dkim;
    expect(res.body).toMatchObject({ domain, status: "pending", verifiedAt: null, lastCheckedAt: null, checks: null });
    expect(selector).toMatch(/^tidings[a-z0-9]{8}$/);
    expect(res.body.records).toEqual([
      expect.objectContaining({ purpose: "dkim", type: "TXT", name: `${selector}._domainkey.${domain}`, value: `v=DKIM1; k=rsa; p=${publicKey}`, required: true }),
      expect.objectContaining({ purpose: "spf", type: "TXT", name: domain, value: "v=spf1 include:sendgrid.net ~all", required: true }),
      expect.objectContaining({ purpose: "dmarc", type: "TXT", name: `_dmarc.${domain}`, value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}`, required: false }),
    ]);

    const publicHalf = await crypto.subtle.importKey("spki", der(publicKey), ALGORITHM, true, ["verify"]);
    expect((publicHalf.algorithm as { modulusLength?: number }).modulusLength).toBe(2048);
    const row = await storedRow(res.body.id);
    expect(row?.dkimPrivateKey).toMatch(/^v1\./);
    expect(row?.dkimPrivateKey).not.toContain("PRIVATE KEY");
    const pem = await withServices(async (s) => {
      const keys = await s.keys.sealing();
      if (!keys || !row) throw new Error("no sealing key or row");
      return unseal(keys, row.dkimPrivateKey);
    });
    if (!pem.ok) throw new Error(`the stored key does not open: ${pem.error}`);
    const privateHalf = await crypto.subtle.importKey("pkcs8", der(pem.value.replace(/-----[^-]+-----|\s/g, "")), ALGORITHM, false, ["sign"]);
    const data = new TextEncoder().encode("the two halves belong together");
    expect(await crypto.subtle.verify(ALGORITHM, publicHalf, await crypto.subtle.sign(ALGORITHM, privateHalf, data), data)).toBe(true);
  });

  it("names the SPF includes of the organisation's own providers, and asks SMTP senders for their relay's", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [
      { provider: "mailgun", apiKey: TEST_MAILGUN_API_KEY, domain: TEST_MAILGUN_DOMAIN, baseUrl: env.MAILGUN_FAKE_URL },
      { provider: "ses", ...TEST_SES, endpoint: env.SES_FAKE_URL },
      { provider: "smtp", host: "localhost", port: env.SMTP_FAKE_PORT, startTls: true, ...TEST_SMTP },
    ]);
    const spf = recordOf(await createDomain(org.apiKey, uniqueDomain()), "spf");
    expect(spf.value).toBe("v=spf1 include:mailgun.org include:amazonses.com ~all");
    expect(spf.note).toContain("SMTP relay");
  });

  it("refuses the same domain twice for one organisation with 409, whatever its letter case, and keeps the first key", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    const first = await createDomain(org.apiKey, domain);
    const again = await call<Reply>("POST", "/v1/domains", { key: org.apiKey, body: { domain: domain.toUpperCase() } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "CONFLICT", fields: [{ path: "domain", message: "already added" }] });
    const listed = await call<SenderDomainList>("GET", "/v1/domains", { key: org.apiKey });
    expect(listed.body.domains.map((d) => d.dkim)).toEqual([first.dkim]);
    // Another organisation may add it: each proves it with a key of its own.
    expect((await call("POST", "/v1/domains", { key: (await createOrganization()).apiKey, body: { domain } })).status).toBe(201);
  });

  it.each([
    ["an empty name", { domain: "" }],
    ["a single label", { domain: "localhost" }],
    ["a space", { domain: "exa mple.com" }],
    ["a label starting with a hyphen", { domain: "-bad.example.com" }],
    ["an empty label", { domain: "a..example.com" }],
    ["an IP address", { domain: "192.0.2.1" }],
    ["a URL", { domain: "https://example.com" }],
    ["an address", { domain: "someone@example.com" }],
    ["a name over 253 characters", { domain: `${"a".repeat(60)}.`.repeat(5).concat("com") }],
    ["a number", { domain: 42 }],
    ["no domain at all", {}],
  ])("refuses %s with a 400 envelope naming the domain field, and stores nothing", async (_, body) => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/domains", { key: org.apiKey, body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(new Set(res.body.error.fields?.map((f) => f.path))).toEqual(new Set(["domain"]));
    expect((await call<SenderDomainList>("GET", "/v1/domains", { key: org.apiKey })).body.domains).toEqual([]);
  });

  it("lets viewer and editor keys read domains but not create, verify or delete them", async () => {
    const org = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    for (const role of ["viewer", "editor"] as const) {
      const key = await org.keyFor(role);
      const refused = await call<ErrorBody>("POST", "/v1/domains", { key, body: { domain: uniqueDomain() } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("FORBIDDEN");
      expect((await verifyDomain(key, created.id)).status).toBe(403);
      expect((await call("DELETE", `/v1/domains/${created.id}`, { key })).status).toBe(403);
      expect((await call<SenderDomainList>("GET", "/v1/domains", { key })).body.domains.map((d) => d.id)).toEqual([created.id]);
      expect((await call<SenderDomainView>("GET", `/v1/domains/${created.id}`, { key })).body.domain).toBe(created.domain);
    }
    expect((await call("GET", "/v1/domains", { key: await org.keyFor("ingest") })).status).toBe(403);
  });
});

describe("POST /v1/domains/:id/verify", () => {
  it("says which record is missing and leaves the domain pending", async () => {
    const org = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    await publishRecords(created, ["dkim"]);
    const res = await verifyDomain(org.apiKey, created.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "pending", verifiedAt: null });
    expect(res.body.lastCheckedAt).not.toBeNull();
    expect(res.body.checks?.map((c) => [c.purpose, c.result])).toEqual([
      ["dkim", "ok"],
      ["spf", "missing"],
      ["dmarc", "missing"],
    ]);
    expect(res.body.checks?.[1]?.message).toBe(`No v=spf1 record at ${created.domain}: publish the SPF record.`);
  });

  it("says the DKIM record is wrong when its p= is not the key Tidings generated", async () => {
    const org = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    const other = await createDomain(org.apiKey, uniqueDomain());
    await publishTxt(recordOf(created, "dkim").name, `v=DKIM1; k=rsa; p=${other.dkim.publicKey}`);
    await publishRecords(created, ["spf"]);
    const res = await verifyDomain(org.apiKey, created.id);
    expect(res.body.status).toBe("pending");
    expect(res.body.checks?.[0]).toMatchObject({ purpose: "dkim", result: "wrong", found: [`v=DKIM1; k=rsa; p=${other.dkim.publicKey}`] });
    expect(res.body.checks?.[0]?.message).toContain("not the public key Tidings generated");
  });

  it("says SPF is wrong when it lacks a provider's include, or when there are two v=spf1 records", async () => {
    const org = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    await publishRecords(created, ["dkim"]);
    await publishTxt(created.domain, "v=spf1 include:_spf.google.com ~all", "google-site-verification=abc");
    expect((await verifyDomain(org.apiKey, created.id)).body.checks?.[1]).toMatchObject({
      result: "wrong",
      message: `The SPF record at ${created.domain} lacks include:sendgrid.net.`,
    });
    await publishTxt(created.domain, "v=spf1 include:sendgrid.net ~all", "v=spf1 include:_spf.google.com ~all");
    expect((await verifyDomain(org.apiKey, created.id)).body.checks?.[1]?.message).toContain("2 v=spf1 records");
  });

  it("verifies the domain when its DKIM record (longer than one 255-character string) and SPF are right, and reports DMARC without requiring it", async () => {
    const org = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    expect(recordOf(created, "dkim").value.length).toBeGreaterThan(255);
    await publishRecords(created, ["dkim"]);
    await publishTxt(created.domain, "v=spf1 ip4:192.0.2.1 include:SendGrid.net -all", "some-other-verification=1");
    const res = await verifyDomain(org.apiKey, created.id);
    expect(res.body.status, JSON.stringify(res.body.checks)).toBe("verified");
    expect(res.body.verifiedAt).toBe(res.body.lastCheckedAt);
    expect(res.body.checks?.map((c) => [c.purpose, c.result])).toEqual([
      ["dkim", "ok"],
      ["spf", "ok"],
      ["dmarc", "missing"],
    ]);

    await publishRecords(created, ["dmarc"]);
    const again = await verifyDomain(org.apiKey, created.id);
    expect(again.body).toMatchObject({ status: "verified", verifiedAt: res.body.verifiedAt });
    expect(again.body.checks?.[2]).toMatchObject({ purpose: "dmarc", result: "ok", message: "DMARC is published with p=none." });
    expect((await call<SenderDomainView>("GET", `/v1/domains/${created.id}`, { key: org.apiKey })).body.checks).toEqual(again.body.checks);
  });

  it("marks a verified domain failed when a later check no longer finds its DKIM record", async () => {
    const org = await createOrganization();
    const verified = await verifiedDomain(org.apiKey, uniqueDomain());
    await unpublish(recordOf(verified, "dkim").name);
    const res = await verifyDomain(org.apiKey, verified.id);
    expect(res.body).toMatchObject({ status: "failed", verifiedAt: null });
    expect(res.body.checks?.[0]?.result).toBe("missing");
  });

  it.each(["http-502", "servfail", "hang"] as const)("answers 503 when the resolver fails (%s), and leaves the domain as it was", async (failure) => {
    const org = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    await publishRecords(created);
    await failLookups(created.domain, failure);
    try {
      const res = await verifyDomain(org.apiKey, created.id);
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.headers.get("tidings-error-code")).toBe("SERVICE_UNAVAILABLE");
      expect((res.body as unknown as ErrorBody).error.message).toContain("the domain is unchanged");
    } finally {
      await failLookups(created.domain, null);
    }
    const after = await call<SenderDomainView>("GET", `/v1/domains/${created.id}`, { key: org.apiKey });
    expect(after.body).toMatchObject({ status: "pending", lastCheckedAt: null, checks: null });
    expect((await auditRows(org.organizationId)).map((r) => r.action)).toEqual(["sender_domain.create"]);
  });
});

describe("DELETE /v1/domains/:id and the audit log", () => {
  it("keeps each organisation's domains to itself", async () => {
    const org = await createOrganization();
    const stranger = await createOrganization();
    const created = await createDomain(org.apiKey, uniqueDomain());
    expect((await call("GET", `/v1/domains/${created.id}`, { key: stranger.apiKey })).status).toBe(404);
    expect((await verifyDomain(stranger.apiKey, created.id)).status).toBe(404);
    expect((await call("DELETE", `/v1/domains/${created.id}`, { key: stranger.apiKey })).status).toBe(404);
    expect((await call<SenderDomainList>("GET", "/v1/domains", { key: stranger.apiKey })).body.domains).toEqual([]);
    expect((await call("GET", `/v1/domains/${created.id}`, { key: org.apiKey })).status).toBe(200);
  });

  it("audits creation, each check and removal by the admin key, and never writes the private key", async () => {
    const org = await createOrganization();
    const domain = uniqueDomain();
    const created = await createDomain(org.apiKey, domain);
    await publishRecords(created);
    await verifyDomain(org.apiKey, created.id);
    const sealed = (await storedRow(created.id))?.dkimPrivateKey ?? "";
    expect(sealed).not.toBe("");
    const removed = await call<SenderDomainView>("DELETE", `/v1/domains/${created.id}`, { key: org.apiKey });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: created.id, status: "verified" });
    expect((await call("GET", `/v1/domains/${created.id}`, { key: org.apiKey })).status).toBe(404);

    const { selector } = created.dkim;
    const target = { actorType: "api_key", actorId: await apiKeyId(org.apiKey), targetType: "sender_domain", targetId: created.id };
    expect(
      (await auditRows(org.organizationId)).map(({ action, actorType, actorId, targetType, targetId, details }) => ({ action, actorType, actorId, targetType, targetId, details })),
    ).toEqual([
      { action: "sender_domain.create", ...target, details: { domain, selector } },
      { action: "sender_domain.verify", ...target, details: { domain, status: "verified", previousStatus: "pending", results: { dkim: "ok", spf: "ok", dmarc: "missing" } } },
      { action: "sender_domain.delete", ...target, details: { domain, selector, status: "verified" } },
    ]);
    const text = await auditText(org.organizationId);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(sealed);
  });
});
