import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { OrganizationView } from "../../src/operators/routes/organization/schema";
import { auditRows } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";

describe("PATCH /v1/organization with quiet hours", () => {
  it("shows none by default, sets a window, clears it with null, and audits each change", async () => {
    const org = await createOrganization();
    expect((await call<OrganizationView>("GET", "/v1/organization", { key: await org.keyFor("viewer") })).body.quietHours).toBeNull();

    const set = await call<OrganizationView>("PATCH", "/v1/organization", { key: org.apiKey, body: { quietHours: { start: "22:00", end: "07:00" } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.quietHours).toEqual({ start: "22:00", end: "07:00" });
    expect((await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey })).body.quietHours).toEqual({ start: "22:00", end: "07:00" });

    const cleared = await call<OrganizationView>("PATCH", "/v1/organization", { key: org.apiKey, body: { quietHours: null } });
    expect(cleared.body.quietHours).toBeNull();
    expect((await auditRows(org.organizationId)).map((r) => [r.action, r.details])).toEqual([
      ["organization.update", { quietHours: { start: "22:00", end: "07:00" } }],
      ["organization.update", { quietHours: null }],
    ]);
  });

  it.each([{ start: "22:00", end: "22:00" }, { start: "24:00", end: "07:00" }, { start: "7:00", end: "22:00" }, { start: "22:00" }, "22:00-07:00", false])(
    "refuses %j with 400 naming quietHours, and changes nothing",
    async (quietHours) => {
      const org = await createOrganization();
      const res = await call<ErrorBody>("PATCH", "/v1/organization", { key: org.apiKey, body: { quietHours } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.fields?.every((f) => f.path.startsWith("quietHours"))).toBe(true);
      expect((await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey })).body.quietHours).toBeNull();
      expect(await auditRows(org.organizationId)).toEqual([]);
    },
  );
});
