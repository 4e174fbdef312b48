import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { createOrganization } from "../../fixtures/organization";
import { csrfOf, fetchDashboard, setCookieFor, signIn } from "../../fixtures/dashboard";

const PAGES = ["/dashboard", "/dashboard/recipients?id=u1", `/dashboard/notifications/${crypto.randomUUID()}`, "/dashboard/audit", "/dashboard/suppressions"];

describe("without a session", () => {
  it.each(PAGES)("%s answers 303 to the sign-in page", async (path) => {
    const res = await fetchDashboard(path);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/login");
  });
});

describe("signing in", () => {
  it.each(["admin", "editor", "viewer"] as const)("with a %s key sets an HttpOnly SameSite=Strict session cookie without the key, and the overview opens", async (role) => {
    const organization = await createOrganization(`Sign-in ${role} Ltd`);
    const key = await organization.keyFor(role);
    const { res, session, cookie } = await signIn(key);
    expect(res.status, res.text).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard");
    const line = setCookieFor(res, "tidings_dashboard") ?? "";
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Strict/);
    expect(line).toMatch(/; Path=\/dashboard(;|$)/);
    expect(line).toMatch(/; Max-Age=43200/);
    // Plain http in dev and tests: a Secure cookie would never come back.
    expect(line).not.toMatch(/; Secure/);
    expect(session).toBeTruthy();
    expect(line).not.toContain(key);
    expect(line).not.toContain(key.split("_")[2] ?? key);
    // The sign-in nonce has done its job.
    expect(setCookieFor(res, "tidings_dashboard_login")).toMatch(/Max-Age=0/);

    const overview = await fetchDashboard("/dashboard", { cookie });
    expect(overview.status, overview.text).toBe(200);
    expect(overview.text).toContain(`Sign-in ${role} Ltd`);
    expect(overview.text).toContain(`Signed in with a <strong>${role}</strong> key`);
  });

  it("marks the session cookie Secure when the request came over https", async () => {
    const organization = await createOrganization();
    const { res } = await signIn(organization.apiKey, "https://tidings.test");
    expect(res.status).toBe(303);
    expect(setCookieFor(res, "tidings_dashboard")).toMatch(/; Secure/);
  });

  it("refuses an ingest key with 401, says why, and sets no session", async () => {
    const organization = await createOrganization();
    const { res, session } = await signIn(await organization.keyFor("ingest"));
    expect(res.status).toBe(401);
    expect(res.text).toContain("This is an ingest key");
    expect(res.text).toContain('name="apiKey"');
    expect(session).toBeUndefined();
    expect(setCookieFor(res, "tidings_dashboard")).toBeUndefined();
  });

  it("refuses an unknown key with 401 and the form again, and sets no session", async () => {
    const { res, session } = await signIn(`tid_00000000_${"0".repeat(56)}`);
    expect(res.status).toBe(401);
    expect(res.text).toContain("That API key is not valid or has been revoked.");
    expect(res.text).toContain('<form method="post" action="/dashboard/login">');
    expect(session).toBeUndefined();
    expect(res.cookies).toEqual([]);
  });

  it("refuses a sign-in without the form's CSRF token or without the browser's sign-in cookie", async () => {
    const organization = await createOrganization();
    const form = await fetchDashboard("/dashboard/login");
    const loginCookie = setCookieFor(form, "tidings_dashboard_login")?.split(";")[0] ?? "";
    const noToken = await fetchDashboard("/dashboard/login", { cookie: loginCookie, form: [["apiKey", organization.apiKey]] });
    // Another site's form: a token from a page it fetched itself, but not this browser's cookie.
    const noCookie = await fetchDashboard("/dashboard/login", {
      form: [
        ["csrf", csrfOf(form.text)],
        ["apiKey", organization.apiKey],
      ],
    });
    for (const res of [noToken, noCookie]) {
      expect(res.status).toBe(403);
      expect(res.text).toContain("This sign-in form expired or came from another page.");
      expect(setCookieFor(res, "tidings_dashboard")).toBeUndefined();
    }
  });

  it("labels the key field and keeps the password manager's hands off it", async () => {
    const res = await fetchDashboard("/dashboard/login");
    expect(res.status).toBe(200);
    expect(res.text).toContain('<label for="api-key">API key</label>');
    expect(res.text).toMatch(/<input type="password" id="api-key" name="apiKey" required="" autocomplete="off"/);
  });

  it("says the dashboard needs TOKEN_SIGNING_KEYS, with 503, when none are configured", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("http://127.0.0.1:8787/dashboard/login"), { ...env, TOKEN_SIGNING_KEYS: undefined }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("The dashboard needs TOKEN_SIGNING_KEYS");
    expect(text).not.toContain("<form");
    expect(res.headers.getAll("set-cookie")).toEqual([]);
  });
});
