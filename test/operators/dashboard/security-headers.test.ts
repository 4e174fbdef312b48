import { describe, expect, it } from "vitest";
import { storeNotifications, storeRecipient } from "../../fixtures/history";
import { fetchDashboard, type DashboardResponse, signedInOrganization } from "../../fixtures/dashboard";

const EXPECTED = {
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

function expectSecure(res: DashboardResponse, label: string) {
  for (const [name, value] of Object.entries(EXPECTED)) expect(res.headers.get(name), `${label}: ${name}`).toBe(value);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp, label).toMatch(
    /^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]{24}'; img-src 'none'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
  );
  // default-src 'none' is what forbids script; any script-src would have to say 'none' too.
  for (const directive of csp.split("; ").filter((d) => d.startsWith("script-src"))) expect(directive, label).toBe("script-src 'none'");
  expect(csp, label).not.toContain("unsafe");
  expect(res.text, label).not.toMatch(/<script/i);
  expect(res.text, label).not.toMatch(/ on[a-z]+="/i);
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  if (res.text.startsWith("<!doctype html>")) {
    expect(res.text, label).toContain(`<style nonce="${nonce}">`);
    expect(res.text.match(/<style/g), label).toHaveLength(1);
  }
}

describe("security headers on the dashboard", () => {
  it("are sent on every page, redirect, refusal and error", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const [sent] = await storeNotifications(organization.organizationId, recipient, [{ status: "sent" }]);
    const cases: [string, DashboardResponse][] = [
      ["GET /dashboard/login", await fetchDashboard("/dashboard/login")],
      ["POST /dashboard/login refused", await fetchDashboard("/dashboard/login", { form: [["apiKey", "tid_x"]] })],
      ["GET /dashboard without a session", await fetchDashboard("/dashboard")],
      ["GET /dashboard", await fetchDashboard("/dashboard", { cookie })],
      ["GET /dashboard/recipients", await fetchDashboard("/dashboard/recipients", { cookie })],
      ["GET /dashboard/recipients?id", await fetchDashboard(`/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}`, { cookie })],
      ["GET /dashboard/recipients unknown", await fetchDashboard("/dashboard/recipients?id=nobody", { cookie })],
      ["GET /dashboard/notifications/:id", await fetchDashboard(`/dashboard/notifications/${sent?.id}`, { cookie })],
      ["GET /dashboard/notifications/:id unknown", await fetchDashboard("/dashboard/notifications/nope", { cookie })],
      ["GET /dashboard/audit", await fetchDashboard("/dashboard/audit", { cookie })],
      ["GET /dashboard/suppressions", await fetchDashboard("/dashboard/suppressions", { cookie })],
      ["GET /dashboard/templates", await fetchDashboard("/dashboard/templates", { cookie })],
      ["GET /dashboard/templates/:id", await fetchDashboard(`/dashboard/templates/${organization.templateId}`, { cookie })],
      ["GET /dashboard/templates/:id/versions/:v", await fetchDashboard(`/dashboard/templates/${organization.templateId}/versions/1`, { cookie })],
      ["GET /dashboard/event-types", await fetchDashboard("/dashboard/event-types", { cookie })],
      ["POST /dashboard/templates/:id as a viewer", await fetchDashboard(`/dashboard/templates/${organization.templateId}`, { cookie, form: [] })],
      ["POST /dashboard/logout without CSRF", await fetchDashboard("/dashboard/logout", { cookie, method: "POST", form: [] })],
      ["GET /dashboard/unknown", await fetchDashboard("/dashboard/unknown", { cookie })],
    ];
    for (const [label, res] of cases) expectSecure(res, label);
  });

  it("use a fresh nonce per response", async () => {
    const [a, b] = [await fetchDashboard("/dashboard/login"), await fetchDashboard("/dashboard/login")];
    expect(a.headers.get("content-security-policy")).not.toBe(b.headers.get("content-security-policy"));
  });
});

describe("the pages' structure for assistive technology", () => {
  it("has a language, one h1, labelled controls, scoped table headers and named table regions", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const [sent] = await storeNotifications(organization.organizationId, recipient, [{ status: "delivered" }]);
    const paths = [
      "/dashboard",
      `/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}`,
      `/dashboard/notifications/${sent?.id}`,
      "/dashboard/audit",
      "/dashboard/suppressions",
      "/dashboard/templates",
      `/dashboard/templates/${organization.templateId}`,
      `/dashboard/templates/${organization.templateId}/versions/1`,
      "/dashboard/event-types",
    ];
    for (const [path, res] of [
      ["/dashboard/login", await fetchDashboard("/dashboard/login")] as const,
      ...(await Promise.all(paths.map(async (p) => [p, await fetchDashboard(p, { cookie })] as const))),
    ]) {
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain('<html lang="en">');
      expect(res.text.match(/<h1[ >]/g), path).toHaveLength(1);
      expect(res.text, path).toContain('<a class="skip" href="#main">');
      for (const [, id] of res.text.matchAll(/<(?:input|select|textarea) [^>]*id="([^"]+)"/g)) expect(res.text, `${path}: ${id}`).toContain(`<label for="${id}">`);
      expect(res.text.match(/<th(?: [^>]*)?>/g)?.filter((th) => !/scope="(?:col|row)"/.test(th)) ?? [], path).toEqual([]);
      for (const [, id] of res.text.matchAll(/role="region" aria-labelledby="([^"]+)" tabindex="0"/g)) expect(res.text, `${path}: ${id}`).toContain(`id="${id}"`);
    }
  });
});
