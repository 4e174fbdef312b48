import { describe, expect, it } from "vitest";
import { storeNotifications, storeRecipient } from "../../fixtures/history";
import { fetchDashboard, rowsOf, signedInOrganization } from "../../fixtures/dashboard";

const linkedIds = (html: string) => [...html.matchAll(/<a href="\/dashboard\/notifications\/([0-9a-f-]{36})">/g)].map((m) => m[1]);
const olderLink = (html: string) => /<a href="([^"]+)" rel="next">Older<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, "&");

describe("GET /dashboard/recipients", () => {
  it("offers a labelled search form and no table before a search", async () => {
    const { cookie } = await signedInOrganization();
    const res = await fetchDashboard("/dashboard/recipients", { cookie });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form method="get" action="/dashboard/recipients" role="search" class="search">');
    expect(res.text).toContain('<label for="recipient-id">Recipient id</label>');
    expect(res.text).not.toContain("<table>");
  });

  it("lists the recipient's notifications newest first, each linking to its page", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const stored = await storeNotifications(organization.organizationId, recipient, [{ status: "delivered" }, { status: "failed" }, { type: "security.alert", status: "skipped" }]);
    const res = await fetchDashboard(`/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}`, { cookie });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(`Notifications of ${recipient.externalId}`);
    expect(res.text).toContain(`value="${recipient.externalId}"`);
    // One INSERT: they share created_at, so the id orders them, as the API does.
    expect(linkedIds(res.text)).toEqual(
      stored
        .map((s) => s.id)
        .sort()
        .reverse(),
    );
    const rows = rowsOf(res.text);
    expect(rows.some((r) => / comment\.created failed — — — —$/.test(r))).toBe(true);
    expect(rows.some((r) => / comment\.created delivered \d{4}-\d{2}-\d{2} [\d:]{8} UTC sendgrid — —$/.test(r))).toBe(true);
    expect(rows.some((r) => / security\.alert skipped /.test(r))).toBe(true);
    expect(olderLink(res.text)).toBeUndefined();
  });

  it("pages with the cursor: 25 at a time, an Older link, and nothing repeated or skipped", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const stored = await storeNotifications(
      organization.organizationId,
      recipient,
      Array.from({ length: 30 }, () => ({ status: "sent" as const })),
    );
    const first = await fetchDashboard(`/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}`, { cookie });
    expect(linkedIds(first.text)).toHaveLength(25);
    expect(first.text).not.toContain(">Newest</a>");
    const older = olderLink(first.text);
    expect(older).toMatch(/^\/dashboard\/recipients\?id=[^&]+&cursor=[A-Za-z0-9_-]+$/);

    const second = await fetchDashboard(older ?? "", { cookie });
    expect(second.status, second.text).toBe(200);
    expect(linkedIds(second.text)).toHaveLength(5);
    expect(olderLink(second.text)).toBeUndefined();
    expect(second.text).toContain(`<a href="/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}">Newest</a>`);
    expect([...linkedIds(first.text), ...linkedIds(second.text)]).toEqual(
      stored
        .map((s) => s.id)
        .sort()
        .reverse(),
    );
  });

  it("does not find another organisation's recipient", async () => {
    const owner = await signedInOrganization("Owner Ltd");
    const other = await signedInOrganization("Other Ltd");
    const recipient = await storeRecipient(owner.organization.organizationId);
    await storeNotifications(owner.organization.organizationId, recipient, [{ status: "sent" }]);
    const res = await fetchDashboard(`/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}`, { cookie: other.cookie });
    expect(res.status).toBe(404);
    expect(res.text).toContain(`Other Ltd has no recipient with the id “${recipient.externalId}”.`);
    expect(linkedIds(res.text)).toEqual([]);
  });

  it("answers 400 with a page for a cursor it did not hand out", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const res = await fetchDashboard(`/dashboard/recipients?id=${encodeURIComponent(recipient.externalId)}&cursor=not-a-cursor`, { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Not a valid page link");
  });
});
