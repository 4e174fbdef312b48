import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { OrganizationView } from "../../src/operators/routes/organization/schema";
import { auditRows } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";

type EventTypeList = { eventTypes: { key: string; retainContent: boolean }[] };

describe("PATCH /v1/organization with a retention period", () => {
  it("shows 30 days by default, sets the period, and audits the change", async () => {
    const org = await createOrganization();
    expect((await call<OrganizationView>("GET", "/v1/organization", { key: await org.keyFor("viewer") })).body.retentionDays).toBe(30);

    const res = await call<OrganizationView>("PATCH", "/v1/organization", { key: org.apiKey, body: { retentionDays: 7 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.retentionDays).toBe(7);
    expect((await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey })).body.retentionDays).toBe(7);
    expect((await auditRows(org.organizationId)).map((r) => [r.action, r.details])).toEqual([["organization.update", { retentionDays: 7 }]]);
  });

  it.each([0, -1, 3651, 1.5, "30", null])("refuses %j with 400 naming retentionDays, and changes nothing", async (retentionDays) => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("PATCH", "/v1/organization", { key: org.apiKey, body: { retentionDays, name: "Renamed" } });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.fields?.map((f) => f.path)).toEqual(["retentionDays"]);
    expect((await call<OrganizationView>("GET", "/v1/organization", { key: org.apiKey })).body).toMatchObject({ retentionDays: 30, name: "Acme" });
    expect(await auditRows(org.organizationId)).toEqual([]);
  });
});

describe("PUT /v1/event-types/:type with retainContent", () => {
  it("keeps content by default, lists the setting, and audits it", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const off = await call("PUT", "/v1/event-types/login.code", { key: editor, body: { category: "security", template: "comment", critical: true, retainContent: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ key: "login.code", retainContent: false });
    const list = await call<EventTypeList>("GET", "/v1/event-types", { key: await org.keyFor("viewer") });
    expect(list.body.eventTypes.map((t) => [t.key, t.retainContent])).toEqual([
      ["comment.created", true],
      ["login.code", false],
      ["security.alert", true],
    ]);
    expect((await auditRows(org.organizationId)).map((r) => [r.action, r.details])).toEqual([
      ["event_type.upsert", { category: "security", template: "comment", priority: "normal", critical: true, retainContent: false }],
    ]);

    // PUT replaces the type: left out, the setting goes back to keeping content.
    const on = await call("PUT", "/v1/event-types/login.code", { key: editor, body: { category: "security", template: "comment", critical: true } });
    expect(on.body).toMatchObject({ retainContent: true });
  });

  it("refuses a retainContent that is not a boolean with 400 naming it, and audits nothing", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("PUT", "/v1/event-types/login.code", { key: org.apiKey, body: { category: "security", template: "comment", retainContent: "no" } });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.fields?.map((f) => f.path)).toEqual(["retainContent"]);
    expect(await auditRows(org.organizationId)).toEqual([]);
  });
});
