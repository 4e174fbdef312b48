import { describe, expect, it } from "vitest";
import { setOrganizationTimeZone, storeDeliveryEvents, storeNotifications } from "../../fixtures/analytics";
import { fetchDashboard, signedInOrganization } from "../../fixtures/dashboard";
import { call } from "../../fixtures/http";

type Row = Record<string, number | string | null | { p50: number; p95: number }>;
type Analytics = { rows: Row[]; totals: Row };

const METRICS = ["sent", "delivered", "bounced", "complained", "opened", "clicked", "failed", "suppressed"] as const;

/** The per-day table as the page shows it: day → metric → the cell's text. */
function dayTable(html: string): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  for (const [, day, cells] of html.matchAll(/<tr data-day="([^"]+)">(.*?)<\/tr>/g)) {
    rows.set(day ?? "", Object.fromEntries([...(cells ?? "").matchAll(/data-metric="([^"]+)">([^<]*)</g)].map((m) => [m[1], m[2]])));
  }
  return rows;
}

describe("GET /dashboard/analytics", () => {
  it("shows per day and in total the figures GET /v1/analytics answers for the same two dates, in the organisation's zone", async () => {
    const { organization, cookie } = await signedInOrganization();
    await setOrganizationTimeZone(organization.organizationId, "Asia/Tokyo");
    // 2026-02-01T16:00Z is already 2 February in Tokyo.
    const sent = await storeNotifications(organization.organizationId, [
      { status: "sent", provider: "sendgrid", eventAt: "2026-02-01T15:59:58Z", sentAt: "2026-02-01T16:00:00Z" },
      { status: "sent", provider: "mailgun", eventAt: "2026-02-02T01:00:00Z", sentAt: "2026-02-02T01:00:01Z" },
      { status: "failed", failedAt: "2026-02-03T05:00:00Z" },
      { status: "suppressed", createdAt: "2026-02-03T06:00:00Z" },
    ]);
    await storeDeliveryEvents(organization.organizationId, [
      { notificationId: sent[0], provider: "sendgrid", type: "delivered", at: "2026-02-01T16:01:00Z" },
      { notificationId: sent[1], provider: "mailgun", type: "bounced", bounceKind: "hard", at: "2026-02-02T01:02:00Z" },
    ]);

    const res = await fetchDashboard("/dashboard/analytics?from=2026-02-01&to=2026-02-04", { cookie });
    expect(res.status, res.text).toBe(200);
    const api = await call<Analytics>("GET", "/v1/analytics?from=2026-02-01&to=2026-02-04&groupBy=day", { key: organization.apiKey });
    expect(api.status).toBe(200);
    const table = dayTable(res.text);
    expect([...table.keys()]).toEqual(["2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04", "total"]);
    for (const metric of METRICS) {
      for (const [day, cells] of table) {
        const source = day === "total" ? api.body.totals : api.body.rows.find((r) => r.day === day);
        expect(cells[metric], `${day} ${metric}`).toBe(String(source?.[metric] ?? 0));
      }
    }
    expect(table.get("2026-02-02")).toMatchObject({ sent: "2", delivered: "1", bounced: "1", p50: "1500 ms" });
    expect(table.get("2026-02-03")).toMatchObject({ failed: "1", suppressed: "1", sent: "0" });
    const byType = await call<Analytics>("GET", "/v1/analytics?from=2026-02-01&to=2026-02-04&groupBy=eventType", { key: organization.apiKey });
    expect(byType.body.rows.map((r) => [r.eventType, r.sent, r.failed, r.suppressed, r.delivered])).toEqual([["comment.created", 2, 1, 1, 1]]);
    expect(res.text).toMatch(
      /<tr data-event-type="comment.created"><th scope="row">comment.created<\/th><td class="num" data-metric="sent">2<\/td><td class="num" data-metric="delivered">1<\/td>/,
    );
    // The chart's bars carry the same numbers as the table.
    expect(res.text).toContain('data-day="2026-02-02" data-value="2"');
  });

  it("draws each chart as an image named by its title and description, and lists the providers' sends", async () => {
    const { organization, cookie } = await signedInOrganization();
    await storeNotifications(organization.organizationId, [{ status: "sent", provider: "ses", eventAt: "2026-02-01T10:00:00Z", sentAt: "2026-02-01T10:00:01Z" }]);
    const res = await fetchDashboard("/dashboard/analytics?from=2026-02-01&to=2026-02-01", { cookie });
    const charts = [...res.text.matchAll(/<svg [^>]*role="img" aria-labelledby="([^" ]+) ([^"]+)"[^>]*>/g)];
    expect(charts.length).toBe(13);
    for (const [, title, desc] of charts) {
      expect(res.text).toMatch(new RegExp(`<title id="${title}">[^<]+</title>`));
      expect(res.text).toMatch(new RegExp(`<desc id="${desc}">[^<]+</desc>`));
    }
    expect(res.text).toContain('<desc id="chart-sent-desc">Sent: 1 from 2026-02-01 to 2026-02-01 (UTC); most on 2026-02-01 (1).</desc>');
    expect(res.text).toContain('data-group="ses" data-value="1"');
    expect(res.text).toMatch(/<tr data-provider="ses"><th scope="row">ses<\/th><td class="num" data-metric="sent">1<\/td>/);
  });

  it("answers a range the API refuses with 400, the reason, and the last 7 days instead", async () => {
    const { cookie } = await signedInOrganization();
    const res = await fetchDashboard("/dashboard/analytics?from=2025-01-01&to=2026-01-01", { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain("That range cannot be shown: to must be at most 92 days after from.");
    expect(res.text.match(/<tr data-day="\d{4}-\d{2}-\d{2}">/g)).toHaveLength(7);
  });

  it("marks the chosen preset as current and offers the other two as links", async () => {
    const { cookie } = await signedInOrganization();
    const res = await fetchDashboard("/dashboard/analytics?days=30", { cookie });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<a href="/dashboard/analytics?days=30" aria-current="page">Last 30 days</a>');
    expect(res.text).toContain('<a href="/dashboard/analytics?days=90">Last 90 days</a>');
    expect(res.text.match(/<tr data-day="\d{4}-\d{2}-\d{2}">/g)).toHaveLength(30);
  });
});
