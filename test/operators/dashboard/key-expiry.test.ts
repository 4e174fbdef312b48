import { describe, expect, it } from "vitest";
import { setKeyExpiry } from "../../fixtures/api-keys";
import { fetchDashboard, signedInOrganization, signIn } from "../../fixtures/dashboard";
import { createOrganization } from "../../fixtures/organization";

describe("an API key that has expired", () => {
  it("cannot sign in to the dashboard: 401, the form again saying it expired, and no session", async () => {
    const organization = await createOrganization();
    const key = await organization.keyFor("viewer");
    await setKeyExpiry(key, new Date(Date.now() + 60_000));
    expect((await signIn(key)).res.status).toBe(303);
    await setKeyExpiry(key, new Date(Date.now() - 1000));
    const { res, session } = await signIn(key);
    expect(res.status).toBe(401);
    expect(res.text).toContain("That API key has expired.");
    expect(res.text).toContain('name="apiKey"');
    expect(session).toBeUndefined();
  });

  it("ends the sessions it opened on the next request, as a revoked key does", async () => {
    const { key, cookie } = await signedInOrganization();
    expect((await fetchDashboard("/dashboard/audit", { cookie })).status).toBe(200);
    await setKeyExpiry(key, new Date(Date.now() - 1000));
    const res = await fetchDashboard("/dashboard/audit", { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/login");
  });
});
