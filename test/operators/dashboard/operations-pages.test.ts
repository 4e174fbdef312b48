import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addManualSuppression } from "../../../src/followup/suppression-store";
import { organizations, suppressions } from "../../../src/platform/db/schema";
import { apiKeyId, auditRows } from "../../fixtures/audit";
import { fetchDashboard } from "../../fixtures/dashboard";
import { actionTokenFor, signedInAs, submit } from "../../fixtures/dashboard-actions";
import { uniqueDomain } from "../../fixtures/dns-fake";
import { createDomain, publishRecords } from "../../fixtures/sender-domains";
import { suppressionOf } from "../../fixtures/followup";
import { call } from "../../fixtures/http";
import { createOrganization, uniqueEmail } from "../../fixtures/organization";
import { withServices } from "../../fixtures/services";

const suppress = (organizationId: string, email: string, reason: "manual" | "hard_bounce" = "manual") =>
  withServices(async ({ db, keys }) => {
    const added = await addManualSuppression(db, (await keys.emailHashes()) ?? expect.fail("a hash key"), organizationId, email, null);
    if (reason !== "manual") await db.update(suppressions).set({ reason }).where(eq(suppressions.id, added.entry.id));
  });

const pause = (organizationId: string) =>
  withServices(({ db }) => db.update(organizations).set({ sendingPausedAt: new Date(), sendingPausedReason: "bounce rate 5.00%" }).where(eq(organizations.id, organizationId)));

describe("the suppressions page", () => {
  it("finds an address by search and lets an editor remove a manual entry, audited as the API audits it", async () => {
    const organization = await createOrganization();
    const { key, cookie } = await signedInAs(organization, "editor");
    const email = uniqueEmail("manual");
    await suppress(organization.organizationId, email);
    const page = `/dashboard/suppressions?email=${encodeURIComponent(email)}`;
    const found = await fetchDashboard(page, { cookie });
    expect(found.text).toContain(`<h2 id="suppressions-title">Suppression of ${email}</h2>`);
    const removed = await submit(page, "/dashboard/suppressions/remove", cookie, [["email", email]]);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.text).toContain(`${email} is no longer suppressed`);
    expect(await suppressionOf(organization.organizationId, email)).toBeUndefined();
    expect((await auditRows(organization.organizationId)).map((r) => [r.action, r.actorId, r.details])).toEqual([
      ["suppression.remove", await apiKeyId(key), { reason: "manual", forced: false }],
    ]);
  });

  it("keeps a hard bounce from an editor (no form, a forged post 409) and removes it for an admin who ticks force", async () => {
    const organization = await createOrganization();
    const email = uniqueEmail("bounced");
    await suppress(organization.organizationId, email, "hard_bounce");
    const page = `/dashboard/suppressions?email=${encodeURIComponent(email)}`;
    const editor = await signedInAs(organization, "editor");
    const seen = await fetchDashboard(page, { cookie: editor.cookie });
    expect(seen.text).not.toContain('action="/dashboard/suppressions/remove"');
    expect(seen.text).toContain("only an admin may remove a hard bounce");
    const forged = await fetchDashboard("/dashboard/suppressions/remove", {
      cookie: editor.cookie,
      form: [
        ["csrf", await actionTokenFor(editor.cookie)],
        ["email", email],
      ],
    });
    expect(forged.status).toBe(409);
    const forced = await fetchDashboard("/dashboard/suppressions/remove", {
      cookie: editor.cookie,
      form: [
        ["csrf", await actionTokenFor(editor.cookie)],
        ["email", email],
        ["force", "true"],
      ],
    });
    expect(forced.status).toBe(403);
    expect(await suppressionOf(organization.organizationId, email)).toBeDefined();

    const admin = await signedInAs(organization, "admin");
    const removed = await submit(page, "/dashboard/suppressions/remove", admin.cookie, [
      ["email", email],
      ["force", "true"],
    ]);
    expect(removed.status, removed.text).toBe(200);
    expect(await suppressionOf(organization.organizationId, email)).toBeUndefined();
  });

  it("shows a viewer no remove form and answers a forged removal 403", async () => {
    const organization = await createOrganization();
    const email = uniqueEmail("kept");
    await suppress(organization.organizationId, email);
    const { cookie } = await signedInAs(organization, "viewer");
    const page = await fetchDashboard(`/dashboard/suppressions?email=${encodeURIComponent(email)}`, { cookie });
    expect(page.text).not.toContain("/dashboard/suppressions/remove");
    const forged = await fetchDashboard("/dashboard/suppressions/remove", {
      cookie,
      form: [
        ["csrf", await actionTokenFor(cookie)],
        ["email", email],
      ],
    });
    expect(forged.status).toBe(403);
    expect(await suppressionOf(organization.organizationId, email)).toBeDefined();
  });
});

describe("the sending page", () => {
  it("shows a pause and lets an admin resume it, audited, while a viewer sees no button and a forged resume is refused", async () => {
    const organization = await createOrganization();
    await pause(organization.organizationId);
    const viewer = await signedInAs(organization, "viewer");
    const seen = await fetchDashboard("/dashboard/sending", { cookie: viewer.cookie });
    expect(seen.text).toContain('data-sending="paused"');
    expect(seen.text).not.toContain('action="/dashboard/sending/resume"');
    const forged = await fetchDashboard("/dashboard/sending/resume", { cookie: viewer.cookie, form: [["csrf", await actionTokenFor(viewer.cookie)]] });
    expect(forged.status).toBe(403);
    expect((await call<{ paused: boolean }>("GET", "/v1/sending", { key: organization.apiKey })).body.paused).toBe(true);

    const admin = await signedInAs(organization, "admin");
    const resumed = await submit("/dashboard/sending", "/dashboard/sending/resume", admin.cookie);
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.text).toContain('data-sending="active"');
    expect(resumed.text).toContain("Sending resumed; 0 held emails are on the way.");
    expect((await call<{ paused: boolean }>("GET", "/v1/sending", { key: organization.apiKey })).body.paused).toBe(false);
    expect((await auditRows(organization.organizationId)).map((r) => r.action)).toEqual(["sending.resume"]);
  });
});

describe("the domains page", () => {
  it("adds a domain for an admin and shows the DNS records GET /v1/domains gives, audited", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    const domain = uniqueDomain();
    const added = await submit("/dashboard/domains", "/dashboard/domains", cookie, [["domain", ` ${domain.toUpperCase()}. `]]);
    expect(added.status, added.text).toBe(201);
    const api = await call<{ domains: { domain: string; records: { name: string; value: string }[] }[] }>("GET", "/v1/domains", { key: organization.apiKey });
    const [listed] = api.body.domains;
    expect(listed?.domain).toBe(domain);
    for (const record of listed?.records ?? []) {
      expect(added.text).toContain(`<code>${record.name}</code>`);
      expect(added.text).toContain(`<code>${record.value.replace(/"/g, "&quot;")}</code>`);
    }
    expect((await auditRows(organization.organizationId)).map((r) => r.action)).toEqual(["sender_domain.create"]);
    const again = await submit("/dashboard/domains", "/dashboard/domains", cookie, [["domain", domain]]);
    expect(again.status).toBe(409);
    const bad = await submit("/dashboard/domains", "/dashboard/domains", cookie, [["domain", "not a domain"]]);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("must be a domain name like example.com");
  });

  it("verifies a domain whose records are published, as POST /v1/domains/:id/verify does, and says which record is missing otherwise", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    const created = await createDomain(organization.apiKey, uniqueDomain());
    const verify = `/dashboard/domains/${created.id}/verify`;
    const missing = await submit("/dashboard/domains", verify, cookie);
    expect(missing.status, missing.text).toBe(200);
    expect(missing.text).toContain(`Checked ${created.domain}: pending.`);
    expect(missing.text).toContain("DKIM missing");
    await publishRecords(created);
    const verified = await submit("/dashboard/domains", verify, cookie);
    expect(verified.text).toContain(`Checked ${created.domain}: verified.`);
    expect(verified.text).toContain('data-status="verified"');
    expect((await auditRows(organization.organizationId)).map((r) => r.action)).toEqual(["sender_domain.create", "sender_domain.verify", "sender_domain.verify"]);
  });

  it("shows a viewer the domains without add or verify forms and refuses a forged add", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "viewer");
    const page = await fetchDashboard("/dashboard/domains", { cookie });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('method="post" action="/dashboard/domains');
    const forged = await fetchDashboard("/dashboard/domains", {
      cookie,
      form: [
        ["csrf", await actionTokenFor(cookie)],
        ["domain", uniqueDomain()],
      ],
    });
    expect(forged.status).toBe(403);
    expect((await call<{ domains: unknown[] }>("GET", "/v1/domains", { key: organization.apiKey })).body.domains).toEqual([]);
  });
});

describe("the operations pages' structure", () => {
  it("has one h1, a label for every control, scoped table headers and a form token in every change form", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    await suppress(organization.organizationId, uniqueEmail("listed"));
    for (const path of ["/dashboard/analytics", "/dashboard/keys", "/dashboard/domains", "/dashboard/suppressions", "/dashboard/alerts", "/dashboard/sending"]) {
      const res = await fetchDashboard(path, { cookie });
      expect(res.status, path).toBe(200);
      expect(res.text.match(/<h1[ >]/g), path).toHaveLength(1);
      for (const [, id] of res.text.matchAll(/<(?:input|select) [^>]*id="([^"]+)"/g)) expect(res.text, `${path}: ${id}`).toMatch(new RegExp(`<label [^>]*for="${id}"`));
      expect(res.text.match(/<th(?: [^>]*)?>/g)?.filter((th) => !/scope="(?:col|row)"/.test(th)) ?? [], path).toEqual([]);
      for (const [, form] of res.text.matchAll(/<form method="post"([^>]*)>/g))
        expect(res.text, `${path}: ${form}`).toMatch(new RegExp(`${form}><input type="hidden" name="csrf" value="[^"]+"`));
    }
  });
});
