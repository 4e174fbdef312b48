import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { storeAttempts, storeDeliveryEvents, storeSentDigests } from "../../fixtures/analytics";
import { storeNotifications, storeRecipient } from "../../fixtures/history";
import { withServices } from "../../fixtures/services";
import { fetchDashboard, rowsOf, signedInOrganization } from "../../fixtures/dashboard";

const joinDigest = (notificationId: string, digestId: string) =>
  withServices(({ db }) => db.execute(sql`UPDATE notifications SET digest_id = ${digestId}::uuid, decision_rule = 'organization_digest' WHERE id = ${notificationId}::uuid`));

describe("GET /dashboard/notifications/:id", () => {
  it("shows the status, timestamps, every attempt and every provider event, oldest first", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const [n] = await storeNotifications(organization.organizationId, recipient, [{ status: "bounced" }]);
    const id = n?.id ?? "";
    await storeAttempts(organization.organizationId, [
      { notificationId: id, provider: "mailgun", outcome: "retryable", latencyMs: 3000, at: new Date("2026-03-01T10:00:00Z") },
      { notificationId: id, provider: "sendgrid", outcome: "accepted", latencyMs: 210, at: new Date("2026-03-01T10:00:01Z") },
    ]);
    await storeDeliveryEvents(organization.organizationId, [
      { notificationId: id, provider: "sendgrid", type: "bounced", bounceKind: "hard", at: "2026-03-01T10:05:00Z" },
      { notificationId: id, provider: "sendgrid", type: "delivered", at: "2026-03-01T10:00:05Z" },
    ]);
    const res = await fetchDashboard(`/dashboard/notifications/${id}`, { cookie });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(`<code>${id}</code>`);
    expect(res.text).toContain('<dt>Status</dt><dd><span class="bad">bounced</span></dd>');
    expect(res.text).toContain(`<a href="/dashboard/recipients?id=${recipient.externalId}">${recipient.externalId}</a>`);
    const rows = rowsOf(res.text);
    expect(rows).toContain("2026-03-01 10:00:00 UTC mailgun retryable — 3000 ms — —");
    expect(rows).toContain("2026-03-01 10:00:01 UTC sendgrid accepted — 210 ms — —");
    const events = rows.filter((r) => r.startsWith("2026-03-01 10:0") && / sendgrid (hard|—) /.test(r));
    expect(events).toEqual(["2026-03-01 10:00:05 UTC delivered sendgrid — —", "2026-03-01 10:05:00 UTC bounced sendgrid hard —"]);
    expect(res.text).not.toContain('id="digest-title"');
  });

  it("shows a batched notification's digest with its status and the digest email's events", async () => {
    const { organization, cookie } = await signedInOrganization();
    const recipient = await storeRecipient(organization.organizationId);
    const [n] = await storeNotifications(organization.organizationId, recipient, [{ status: "batched" }]);
    const [digestId] = await storeSentDigests(organization.organizationId, [{ provider: "sendgrid", sentAt: "2026-03-02T09:00:00Z" }]);
    await joinDigest(n?.id ?? "", digestId ?? "");
    await storeDeliveryEvents(organization.organizationId, [{ digestId: digestId ?? "", provider: "sendgrid", type: "opened", at: "2026-03-02T09:30:00Z" }]);
    const res = await fetchDashboard(`/dashboard/notifications/${n?.id}`, { cookie });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain("<dt>Decision rule</dt><dd>organization_digest</dd>");
    expect(res.text).toContain(`<dt>Digest</dt><dd><code>${digestId}</code></dd><dt>Status</dt><dd>sent</dd><dt>Kind</dt><dd>window</dd>`);
    expect(rowsOf(res.text)).toContain(`2026-03-02 09:30:00 UTC opened sendgrid — {&quot;digestId&quot;:&quot;${digestId}&quot;}`);
  });

  it("answers 404 for another organisation's notification, and for an id that is not one", async () => {
    const owner = await signedInOrganization("Owner Ltd");
    const other = await signedInOrganization("Other Ltd");
    const recipient = await storeRecipient(owner.organization.organizationId);
    const [n] = await storeNotifications(owner.organization.organizationId, recipient, [{ status: "failed" }]);
    expect((await fetchDashboard(`/dashboard/notifications/${n?.id}`, { cookie: owner.cookie })).status).toBe(200);
    for (const path of [`/dashboard/notifications/${n?.id}`, "/dashboard/notifications/not-an-id"]) {
      const res = await fetchDashboard(path, { cookie: other.cookie });
      expect(res.status, path).toBe(404);
      expect(res.text, path).toContain("Other Ltd has no notification with this id.");
      expect(res.text, path).not.toContain("550 rejected");
    }
  });
});
