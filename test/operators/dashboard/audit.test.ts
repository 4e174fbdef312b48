import { describe, expect, it } from "vitest";
import { storeAuditRows } from "../../fixtures/audit";
import { fetchDashboard, rowsOf, signedInOrganization } from "../../fixtures/dashboard";

const olderLink = (html: string) => /<a href="([^"]+)" rel="next">Older<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, "&");
const entryRows = (html: string) => rowsOf(html).filter((r) => /^\d{4}-\d{2}-\d{2} /.test(r));
const minute = (i: number) => `2026-02-01T10:${String(i).padStart(2, "0")}:00Z`;

describe("GET /dashboard/audit", () => {
  it("lists the organisation's entries newest first and never another organisation's", async () => {
    const mine = await signedInOrganization("Mine Ltd");
    const theirs = await signedInOrganization("Theirs Ltd");
    await storeAuditRows(mine.organization.organizationId, [
      { action: "template.publish", at: minute(1), targetType: "template", targetId: "tpl-1" },
      { action: "sending.pause", at: minute(2) },
    ]);
    await storeAuditRows(theirs.organization.organizationId, [{ action: "suppression.add", at: minute(3), targetType: "suppression", targetId: "their-hash" }]);
    const res = await fetchDashboard("/dashboard/audit", { cookie: mine.cookie });
    expect(res.status, res.text).toBe(200);
    const rows = entryRows(res.text);
    expect(rows).toEqual([
      `2026-02-01 10:02:00 UTC sending.pause system test organization ${mine.organization.organizationId} test —`,
      "2026-02-01 10:01:00 UTC template.publish system test template tpl-1 test —",
    ]);
    expect(res.text).not.toContain("their-hash");
  });

  it("filters by an action chosen from a labelled select of every action name", async () => {
    const { organization, cookie } = await signedInOrganization();
    await storeAuditRows(organization.organizationId, [
      { action: "template.publish", at: minute(1) },
      { action: "suppression.add", at: minute(2) },
      { action: "template.publish", at: minute(3) },
    ]);
    const res = await fetchDashboard("/dashboard/audit?action=template.publish", { cookie });
    expect(res.status).toBe(200);
    expect(entryRows(res.text).map((r) => r.split(" ")[3])).toEqual(["template.publish", "template.publish"]);
    expect(res.text).toContain('<label for="audit-action">Action</label>');
    expect(res.text).toContain('<option value="template.publish" selected="">template.publish</option>');
    for (const action of ["layout.update", "sending.resume", "recipient.unsubscribe_all", "recipient.unsubscribe_category"])
      expect(res.text).toContain(`<option value="${action}">`);
    // The empty choice is "every action".
    const all = await fetchDashboard("/dashboard/audit?action=", { cookie });
    expect(entryRows(all.text)).toHaveLength(3);
  });

  it("pages 50 at a time with an Older link that keeps the filter", async () => {
    const { organization, cookie } = await signedInOrganization();
    await storeAuditRows(organization.organizationId, [
      ...Array.from({ length: 55 }, (_, i) => ({ action: "event_type.upsert", at: `2026-02-01T10:00:${String(i).padStart(2, "0")}.000001Z` })),
      { action: "layout.update", at: "2026-02-01T11:00:00Z" },
    ]);
    const first = await fetchDashboard("/dashboard/audit?action=event_type.upsert", { cookie });
    expect(entryRows(first.text)).toHaveLength(50);
    const older = olderLink(first.text);
    expect(older).toMatch(/^\/dashboard\/audit\?action=event_type.upsert&cursor=/);
    const second = await fetchDashboard(older ?? "", { cookie });
    expect(entryRows(second.text).map((r) => r.slice(11, 19))).toEqual(["10:00:04", "10:00:03", "10:00:02", "10:00:01", "10:00:00"]);
    expect(olderLink(second.text)).toBeUndefined();
    expect(second.text).toContain('<a href="/dashboard/audit?action=event_type.upsert">Newest</a>');
  });

  it("answers 400 with a page for an action that is not in the list", async () => {
    const { cookie } = await signedInOrganization();
    const res = await fetchDashboard("/dashboard/audit?action=drop.tables", { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Choose an action from the list.");
  });
});
