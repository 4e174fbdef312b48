import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { Analytics, AnalyticsRow } from "../../src/operators/routes/analytics/schema";
import { setOrganizationTimeZone, storeDeliveryEvents, storeNotifications, storeSentDigests } from "../fixtures/analytics";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";

const read = (key: string, query = "") => call<Analytics & ErrorBody>("GET", `/v1/analytics${query}`, { key });

const none = {
  sent: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  opened: 0,
  clicked: 0,
  failed: 0,
  suppressed: 0,
  skipped: 0,
  batched: 0,
  cancelled: 0,
  digestsSent: 0,
  latencyMs: null,
};
const figures = (values: Partial<AnalyticsRow>): AnalyticsRow => ({ ...none, ...values });

/**
 * Two days of mail around a day boundary: n1 is sent at 23:30 UTC on 1 March (2 March in Tokyo), the
 * complaint about n4 arrives at 15:00 UTC on 2 March (midnight, 3 March, in Tokyo). Each notification's
 * event arrived 1, 2, 3 and 4 seconds before it was sent; n5 and its delivery lie before the range.
 */
async function storeTwoDays(organizationId: string) {
  const sent = (provider: string, sentAt: string, gapMs: number) => ({ status: "sent" as const, provider, sentAt, eventAt: new Date(Date.parse(sentAt) - gapMs).toISOString() });
  const [n1, n2, n3, n4, n5] = await storeNotifications(organizationId, [
    sent("sendgrid", "2026-03-01T23:30:00Z", 1000),
    sent("sendgrid", "2026-03-02T09:00:00Z", 2000),
    sent("mailgun", "2026-03-02T12:00:00Z", 3000),
    sent("mailgun", "2026-03-02T14:00:00Z", 4000),
    sent("sendgrid", "2026-02-28T12:00:00Z", 100_000),
    { status: "failed", createdAt: "2026-03-02T07:00:00Z", failedAt: "2026-03-02T08:00:00Z" },
    { status: "suppressed", createdAt: "2026-03-01T10:00:00Z" },
    { status: "skipped", createdAt: "2026-03-02T16:00:00Z" },
    { status: "batched", createdAt: "2026-03-01T12:00:00Z" },
  ]);
  const [digest] = await storeSentDigests(organizationId, [{ provider: "sendgrid", sentAt: "2026-03-02T07:00:00Z" }]);
  await storeDeliveryEvents(organizationId, [
    { notificationId: n1, provider: "sendgrid", type: "delivered", at: "2026-03-01T23:31:00Z" },
    // Opened twice: one email opened.
    { notificationId: n1, provider: "sendgrid", type: "opened", at: "2026-03-02T08:00:00Z" },
    { notificationId: n1, provider: "sendgrid", type: "opened", at: "2026-03-02T09:00:00Z" },
    { notificationId: n2, provider: "sendgrid", type: "delivered", at: "2026-03-02T09:01:00Z" },
    { notificationId: n2, provider: "sendgrid", type: "deferred", at: "2026-03-02T09:00:30Z" },
    // A soft bounce, then the hard one: one bounced email.
    { notificationId: n3, provider: "mailgun", type: "bounced", bounceKind: "soft", at: "2026-03-02T12:05:00Z" },
    { notificationId: n3, provider: "mailgun", type: "bounced", bounceKind: "hard", at: "2026-03-02T13:00:00Z" },
    { notificationId: n4, provider: "mailgun", type: "delivered", at: "2026-03-02T14:01:00Z" },
    { notificationId: n4, provider: "mailgun", type: "opened", at: "2026-03-02T14:20:00Z" },
    { notificationId: n4, provider: "mailgun", type: "clicked", at: "2026-03-02T14:30:00Z" },
    { notificationId: n4, provider: "mailgun", type: "complained", at: "2026-03-02T15:00:00Z" },
    { notificationId: n5, provider: "sendgrid", type: "delivered", at: "2026-02-28T12:01:00Z" },
    { digestId: digest, provider: "sendgrid", type: "delivered", at: "2026-03-02T07:01:00Z" },
  ]);
}

/** What storeTwoDays adds up to over 1–2 March in UTC. */
const UTC_TOTALS = figures({
  sent: 4,
  delivered: 4,
  bounced: 1,
  complained: 1,
  opened: 2,
  clicked: 1,
  failed: 1,
  suppressed: 1,
  skipped: 1,
  batched: 1,
  digestsSent: 1,
  latencyMs: { p50: 2500, p95: 3850 },
});

describe("GET /v1/analytics", () => {
  it("counts each local day in UTC: sends by sent_at, emails by their first event, decisions by created_at", async () => {
    const org = await createOrganization();
    await storeTwoDays(org.organizationId);
    const res = await read(org.apiKey, "?from=2026-03-01&to=2026-03-02&timezone=UTC");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-03T00:00:00.000Z",
      timezone: "UTC",
      groupBy: "day",
      rows: [
        { day: "2026-03-01", ...figures({ sent: 1, delivered: 1, suppressed: 1, batched: 1, latencyMs: { p50: 1000, p95: 1000 } }) },
        // p95 of 2, 3 and 4 seconds, interpolated: 3 s + 0.9 × 1 s.
        {
          day: "2026-03-02",
          ...figures({ sent: 3, delivered: 3, bounced: 1, complained: 1, opened: 2, clicked: 1, failed: 1, skipped: 1, digestsSent: 1, latencyMs: { p50: 3000, p95: 3900 } }),
        },
      ],
      totals: UTC_TOTALS,
    });
  });

  it("counts by the organisation's time zone by default, so a send at 23:30 UTC falls on the next day in Tokyo", async () => {
    const org = await createOrganization();
    await setOrganizationTimeZone(org.organizationId, "Asia/Tokyo");
    await storeTwoDays(org.organizationId);
    const res = await read(org.apiKey, "?from=2026-03-01&to=2026-03-03");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.timezone).toBe("Asia/Tokyo");
    expect([res.body.from, res.body.to]).toEqual(["2026-02-28T15:00:00.000Z", "2026-03-03T15:00:00.000Z"]);
    expect(res.body.rows).toEqual([
      { day: "2026-03-01", ...figures({ suppressed: 1, batched: 1 }) },
      { day: "2026-03-02", ...figures({ sent: 4, delivered: 4, bounced: 1, opened: 2, clicked: 1, failed: 1, digestsSent: 1, latencyMs: { p50: 2500, p95: 3850 } }) },
      { day: "2026-03-03", ...figures({ complained: 1, skipped: 1 }) },
    ]);
    expect(res.body.totals).toEqual(UTC_TOTALS);
  });

  it("groups by provider, with what never reached a provider under null", async () => {
    const org = await createOrganization();
    await storeTwoDays(org.organizationId);
    const res = await read(org.apiKey, "?from=2026-03-01&to=2026-03-02&timezone=UTC&groupBy=provider");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows).toEqual([
      { provider: "mailgun", ...figures({ sent: 2, delivered: 1, bounced: 1, complained: 1, opened: 1, clicked: 1, latencyMs: { p50: 3500, p95: 3950 } }) },
      { provider: "sendgrid", ...figures({ sent: 2, delivered: 3, opened: 1, digestsSent: 1, latencyMs: { p50: 1500, p95: 1950 } }) },
      { provider: null, ...figures({ failed: 1, suppressed: 1, skipped: 1, batched: 1 }) },
    ]);
    expect(res.body.totals).toEqual(UTC_TOTALS);
  });

  it("groups by event type, with digest emails (several types each) under null, and the rows add up to the totals", async () => {
    const org = await createOrganization();
    await storeTwoDays(org.organizationId);
    const res = await read(org.apiKey, "?from=2026-03-01&to=2026-03-02&timezone=UTC&groupBy=eventType");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows.map((r) => [r.eventType, r.day, r.provider])).toEqual([
      ["comment.created", undefined, undefined],
      [null, undefined, undefined],
    ]);
    expect(res.body.rows[0]).toMatchObject({ sent: 4, failed: 1, suppressed: 1, skipped: 1, batched: 1, digestsSent: 0 });
    expect(res.body.rows[1]).toMatchObject({ sent: 0, failed: 0, digestsSent: 1 });
    for (const k of Object.keys(none).filter((key) => key !== "latencyMs") as (keyof typeof none)[]) {
      expect(
        res.body.rows.reduce((n, r) => n + (r[k] as number), 0),
        k,
      ).toBe(res.body.totals[k]);
    }
  });

  it("groups by day and provider, and the rows add up to the totals", async () => {
    const org = await createOrganization();
    await storeTwoDays(org.organizationId);
    const res = await read(org.apiKey, "?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z&timezone=UTC&groupBy=day,provider");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows).toEqual([
      { day: "2026-03-01", provider: "sendgrid", ...figures({ sent: 1, delivered: 1, latencyMs: { p50: 1000, p95: 1000 } }) },
      { day: "2026-03-01", provider: null, ...figures({ suppressed: 1, batched: 1 }) },
      { day: "2026-03-02", provider: "mailgun", ...figures({ sent: 2, delivered: 1, bounced: 1, complained: 1, opened: 1, clicked: 1, latencyMs: { p50: 3500, p95: 3950 } }) },
      { day: "2026-03-02", provider: "sendgrid", ...figures({ sent: 1, delivered: 2, opened: 1, digestsSent: 1, latencyMs: { p50: 2000, p95: 2000 } }) },
      { day: "2026-03-02", provider: null, ...figures({ failed: 1, skipped: 1 }) },
    ]);
    const summed = Object.fromEntries(
      Object.keys(none)
        .filter((k) => k !== "latencyMs")
        .map((k) => [k, res.body.rows.reduce((n, r) => n + (r[k as keyof typeof none] as number), 0)]),
    );
    expect({ ...summed, latencyMs: res.body.totals.latencyMs }).toEqual(res.body.totals);
  });

  it("never counts another organisation's mail, events or digests", async () => {
    const mine = await createOrganization("Mine");
    const theirs = await createOrganization("Theirs");
    await storeTwoDays(mine.organizationId);
    await storeTwoDays(theirs.organizationId);
    await storeTwoDays(theirs.organizationId);
    const res = await read(mine.apiKey, "?from=2026-03-01&to=2026-03-02&timezone=UTC");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.totals).toEqual(UTC_TOTALS);
  });

  it("covers the last seven days up to now by default, and answers zeros and a null latency when nothing happened", async () => {
    const org = await createOrganization();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    await storeNotifications(org.organizationId, [
      { status: "sent", provider: "sendgrid", sentAt: hoursAgo(1) },
      { status: "sent", provider: "sendgrid", sentAt: hoursAgo(8 * 24) },
    ]);
    const before = Date.now();
    const res = await read(org.apiKey);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.groupBy).toBe("day");
    expect(Date.parse(res.body.to)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(7 * 86_400_000);
    expect(res.body.totals.sent).toBe(1);

    const empty = await read(org.apiKey, "?from=2020-01-01&to=2020-01-31");
    expect(empty.body).toMatchObject({ rows: [], totals: none });
  });

  it("accepts exactly 92 days", async () => {
    const org = await createOrganization();
    const res = await read(org.apiKey, "?from=2026-01-01&to=2026-04-02&timezone=UTC");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("lets viewer, editor and admin keys read, refuses an ingest key with 403 and no key with 401", async () => {
    const org = await createOrganization();
    for (const role of ["viewer", "editor", "admin"] as const) expect((await read(await org.keyFor(role))).status, role).toBe(200);
    const ingest = await read(await org.keyFor("ingest"));
    expect(ingest.status).toBe(403);
    expect(ingest.body.error.code).toBe("FORBIDDEN");
    expect((await call("GET", "/v1/analytics")).status).toBe(401);
  });

  it("counts notifications a cancellation key took back as cancelled, on the day they were created, never as sent", async () => {
    const org = await createOrganization();
    await storeNotifications(org.organizationId, [
      { status: "cancelled", createdAt: "2026-03-01T10:00:00Z" },
      { status: "cancelled", createdAt: "2026-03-02T10:00:00Z" },
      { status: "skipped", createdAt: "2026-03-02T11:00:00Z" },
    ]);
    const res = await read(org.apiKey, "?from=2026-03-01&to=2026-03-02&timezone=UTC");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows).toEqual([
      { day: "2026-03-01", ...figures({ cancelled: 1 }) },
      { day: "2026-03-02", ...figures({ cancelled: 1, skipped: 1 }) },
    ]);
    expect(res.body.totals).toEqual(figures({ cancelled: 2, skipped: 1 }));
  });

  it("documents the counting rules in the OpenAPI document", async () => {
    const res = await call<{ paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths["/v1/analytics"] ?? {})).toEqual(["get"]);
    expect(JSON.stringify(res.body.components.schemas.AnalyticsRow)).toContain("each counted once, on the day of its first such event");
  });

  describe.each([
    ["from=2026-03-05&to=2026-03-01", "to"],
    ["from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:00Z", "to"],
    ["from=2026-01-01&to=2026-04-03", "to"],
    ["from=2020-01-01", "from"],
    ["from=yesterday", "from"],
    ["to=2026-03-01T10:00:00", "to"],
    ["timezone=Mars/Olympus", "timezone"],
    ["timezone=%2B05:00", "timezone"],
    ["groupBy=week", "groupBy"],
    ["groupBy=provider,day", "groupBy"],
  ])("?%s", (query, field) => {
    it(`is a 400 naming ${field}`, async () => {
      const org = await createOrganization();
      const res = await read(org.apiKey, `?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("BAD_REQUEST");
      expect(res.body.error.fields?.map((f) => f.path)).toEqual([field]);
    });
  });
});
