import { describe, expect, it } from "vitest";
import { SESSION_TTL_MS } from "../../../src/operators/dashboard/session-token";
import { signRecipientToken } from "../../../src/recipient-pages/token";
import { createRecipient } from "../../fixtures/preferences";
import { csrfOf, fetchDashboard, revokeKey, sessionCookieFor, setCookieFor, signedInOrganization, workerKeys } from "../../fixtures/dashboard";

const expectSentToLogin = (res: { status: number; headers: Headers }) => {
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/dashboard/login");
};

describe("the session cookie", () => {
  it("opens the dashboard when minted for an unrevoked key of the organisation", async () => {
    const { cookie } = await signedInOrganization("Control Co");
    const res = await fetchDashboard("/dashboard", { cookie });
    expect(res.status).toBe(200);
    expect(res.text).toContain("Control Co");
  });

  it("is refused, and cleared, when any character of it was changed", async () => {
    const { cookie } = await signedInOrganization();
    const [kid, body, mac] = cookie.split("=")[1]?.split(".") ?? [];
    const claims = JSON.parse(atob((body ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const promoted = btoa(JSON.stringify({ ...claims, r: "admin" }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    // The first character: the last one of a 32-byte MAC also carries two padding bits that decode to nothing.
    const flipped = `${mac?.startsWith("A") ? "B" : "A"}${mac?.slice(1)}`;
    for (const forged of [`tidings_dashboard=${kid}.${promoted}.${mac}`, `tidings_dashboard=${kid}.${body}.${flipped}`, "tidings_dashboard=garbage"]) {
      const res = await fetchDashboard("/dashboard", { cookie: forged });
      expectSentToLogin(res);
      expect(setCookieFor(res, "tidings_dashboard")).toMatch(/Max-Age=0/);
    }
  });

  it("is refused once its twelve hours are over", async () => {
    const { organization, key } = await signedInOrganization();
    const stale = await sessionCookieFor(organization, key, "viewer", Date.now() - SESSION_TTL_MS - 1000);
    expectSentToLogin(await fetchDashboard("/dashboard", { cookie: stale }));
    const fresh = await sessionCookieFor(organization, key, "viewer", Date.now() - SESSION_TTL_MS + 60_000);
    expect((await fetchDashboard("/dashboard", { cookie: fresh })).status).toBe(200);
  });

  it("stops working on the next request after its key is revoked", async () => {
    const { key, cookie } = await signedInOrganization();
    expect((await fetchDashboard("/dashboard/audit", { cookie })).status).toBe(200);
    await revokeKey(key);
    expectSentToLogin(await fetchDashboard("/dashboard/audit", { cookie }));
  });

  it("is never a recipient's link token, nor the other way round, though both are signed with the same keys", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await createRecipient(organization.organizationId);
    const recipientToken = await signRecipientToken(await workerKeys(), { organizationId: organization.organizationId, recipientId: recipient.id });
    expect((await fetchDashboard(`/p/${recipientToken}`)).status).toBe(200);
    expectSentToLogin(await fetchDashboard("/dashboard", { cookie: `tidings_dashboard=${recipientToken}` }));
    const sessionToken = cookie.split("=")[1] ?? "";
    expect((await fetchDashboard(`/p/${sessionToken}`)).status).toBe(404);
  });
});

describe("signing out", () => {
  it("clears the cookie and answers 303 to the sign-in page", async () => {
    const { cookie } = await signedInOrganization();
    const page = await fetchDashboard("/dashboard", { cookie });
    const res = await fetchDashboard("/dashboard/logout", { cookie, form: [["csrf", csrfOf(page.text)]] });
    expectSentToLogin(res);
    const cleared = setCookieFor(res, "tidings_dashboard") ?? "";
    expect(cleared).toMatch(/^tidings_dashboard=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(cleared).toMatch(/Path=\/dashboard/);
  });

  it("refuses with 403 and keeps the cookie when the CSRF token is missing or another session's", async () => {
    const { cookie } = await signedInOrganization();
    const other = await signedInOrganization();
    const otherPage = await fetchDashboard("/dashboard", { cookie: other.cookie });
    for (const form of [[] as [string, string][], [["csrf", csrfOf(otherPage.text)]] as [string, string][]]) {
      const res = await fetchDashboard("/dashboard/logout", { cookie, method: "POST", form });
      expect(res.status).toBe(403);
      expect(res.text).toContain("you are still signed in");
      expect(setCookieFor(res, "tidings_dashboard")).toBeUndefined();
    }
    expect((await fetchDashboard("/dashboard", { cookie })).status).toBe(200);
  });

  it("puts the sign-out button, with its CSRF token, on every signed-in page", async () => {
    const { cookie } = await signedInOrganization();
    for (const path of ["/dashboard", "/dashboard/recipients", "/dashboard/audit", "/dashboard/suppressions"]) {
      const res = await fetchDashboard(path, { cookie });
      expect(res.text, path).toMatch(
        /<form method="post" action="\/dashboard\/logout"><input type="hidden" name="csrf" value="[^"]+"\/><button type="submit" class="secondary">Sign out<\/button><\/form>/,
      );
    }
  });
});
