import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { OrganizationView } from "../../src/operators/routes/organization/schema";
import { auditRows } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";

describe("PATCH /v1/organization with a time zone", () => {
  it("sets the organisation's time zone, shows it, and audits the change", async () => {
    const org = await createOrganization();
    expect((await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey })).body.timezone).toBe("UTC");
    const res = await call<OrganizationView>("PATCH", "/v1/organization", { key: org.apiKey, body: { timezone: "Asia/Tokyo" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.timezone).toBe("Asia/Tokyo");
    expect((await auditRows(org.organizationId)).map((r) => [r.action, r.details])).toEqual([["organization.update", { timezone: "Asia/Tokyo" }]]);
  });

  it("refuses a zone that does not exist with 400 naming timezone, and changes nothing", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("PATCH", "/v1/organization", { key: org.apiKey, body: { timezone: "Mars/Olympus", name: "Renamed" } });
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.map((f) => f.path)).toEqual(["timezone"]);
    const after = await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey });
    expect(after.body).toMatchObject({ timezone: "UTC", name: "Acme" });
    expect(await auditRows(org.organizationId)).toEqual([]);
  });
});
