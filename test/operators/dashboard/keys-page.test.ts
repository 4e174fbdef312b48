import { describe, expect, it } from "vitest";
import { auditRows, apiKeyId } from "../../fixtures/audit";
import { actionTokenFor, signedInAs, submit } from "../../fixtures/dashboard-actions";
import { fetchDashboard } from "../../fixtures/dashboard";
import { call } from "../../fixtures/http";
import { createOrganization } from "../../fixtures/organization";

const newKey = (html: string) => /<code data-new-key="">([^<]+)<\/code>/.exec(html)?.[1];
const keyIdOf = (html: string, name: string) => new RegExp(`<tr data-key-id="([^"]+)"><th scope="row">${name}</th>`).exec(html)?.[1];
const keyWorks = async (key: string) => (await call("GET", "/v1/sending", { key })).status;

describe("the API keys page", () => {
  it("creates a key shown once that works on the API, audited as the signed-in key, and revokes it so the API refuses it", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    const created = await submit("/dashboard/keys", "/dashboard/keys", cookie, [
      ["name", "reporting"],
      ["role", "viewer"],
      ["expiresOn", ""],
    ]);
    expect(created.status, created.text).toBe(201);
    const key = newKey(created.text) ?? expect.fail("the new key is shown");
    expect(await keyWorks(key)).toBe(200);
    const listed = await fetchDashboard("/dashboard/keys", { cookie });
    expect(listed.text).not.toContain(key);
    const id = keyIdOf(listed.text, "reporting") ?? expect.fail("the key is listed");

    const revoked = await submit("/dashboard/keys", `/dashboard/keys/${id}/revoke`, cookie);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.text).toContain("Revoked reporting");
    expect(await keyWorks(key)).toBe(401);
    const admin = await apiKeyId(organization.apiKey);
    const audit = (await auditRows(organization.organizationId)).map((r) => [r.action, r.actorId, r.targetId]);
    expect(audit).toEqual([
      ["api_key.create", admin, id],
      ["api_key.revoke", admin, id],
    ]);
  });

  it("rotates a key: the new one shown once works, the old one stops at the end of the chosen grace", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    const old = await organization.keyFor("ingest");
    const page = await fetchDashboard("/dashboard/keys", { cookie });
    const id = keyIdOf(page.text, "ingest key") ?? expect.fail("the ingest key is listed");
    const rotated = await submit("/dashboard/keys", `/dashboard/keys/${id}/rotate`, cookie, [["graceSeconds", "0"]]);
    expect(rotated.status, rotated.text).toBe(201);
    const fresh = newKey(rotated.text) ?? expect.fail("the new key is shown");
    const post = (key: string) => call("POST", "/v1/events", { key, body: {} });
    expect((await post(fresh)).status).toBe(400);
    expect((await post(old)).status).toBe(401);
  });

  it("refuses an expiry in the past and the organisation's last admin key with the API's reasons, changing nothing", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    const past = await submit("/dashboard/keys", "/dashboard/keys", cookie, [
      ["name", "late"],
      ["role", "viewer"],
      ["expiresOn", "2020-01-01"],
    ]);
    expect(past.status).toBe(400);
    expect(past.text).toContain("Not created: the expiry must be in the future.");
    const own = keyIdOf(past.text, "admin key") ?? expect.fail("the admin key is listed");
    const last = await submit("/dashboard/keys", `/dashboard/keys/${own}/revoke`, cookie);
    expect(last.status).toBe(409);
    expect(last.text).toContain("last working admin key");
    expect(await keyWorks(organization.apiKey)).toBe(200);
    expect(await auditRows(organization.organizationId)).toEqual([]);
  });

  it("shows a viewer or editor no keys and no form, and answers their forged posts 403 without creating or revoking anything", async () => {
    const organization = await createOrganization();
    const adminId = await apiKeyId(organization.apiKey);
    for (const role of ["viewer", "editor"] as const) {
      const { cookie } = await signedInAs(organization, role);
      const page = await fetchDashboard("/dashboard/keys", { cookie });
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('action="/dashboard/keys');
      expect(page.text).not.toContain("admin key</th>");
      const csrf = await actionTokenFor(cookie);
      const forged = await fetchDashboard("/dashboard/keys", {
        cookie,
        form: [
          ["csrf", csrf],
          ["name", "mine now"],
          ["role", "admin"],
        ],
      });
      expect(forged.status).toBe(403);
      expect(forged.text).toContain(`A ${role} key cannot do this`);
      const scripted = await fetchDashboard(`/dashboard/keys/${adminId}/revoke`, { cookie, form: [["csrf", csrf]], accept: "application/json" });
      expect(scripted.status).toBe(403);
      expect(JSON.parse(scripted.text)).toMatchObject({ error: { code: "FORBIDDEN" } });
    }
    expect(await keyWorks(organization.apiKey)).toBe(200);
    expect(await auditRows(organization.organizationId)).toEqual([]);
  });

  it("refuses an admin's post without this session's form token: another site's form changes nothing", async () => {
    const organization = await createOrganization();
    const { cookie } = await signedInAs(organization, "admin");
    for (const csrf of ["", await actionTokenFor((await signedInAs(organization, "editor")).cookie)]) {
      const res = await fetchDashboard("/dashboard/keys", {
        cookie,
        form: [
          ["csrf", csrf],
          ["name", "x"],
          ["role", "admin"],
        ],
      });
      expect(res.status).toBe(403);
      expect(res.text).toContain("This form expired or came from another page");
    }
    expect(await auditRows(organization.organizationId)).toEqual([]);
  });
});
