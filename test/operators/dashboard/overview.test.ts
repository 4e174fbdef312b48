import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { SendingState } from "../../../src/followup/routes/sending/schema";
import { setOrganizationTimeZone, storeAttempts } from "../../fixtures/analytics";
import { call } from "../../fixtures/http";
import { storePendingComment } from "../../fixtures/ingest";
import { storeSent } from "../../fixtures/followup";
import { withServices } from "../../fixtures/services";
import { fetchDashboard, rowsOf, signedInOrganization } from "../../fixtures/dashboard";

const localDate = (timeZone: string, at = Date.now()) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);

const pause = (organizationId: string, reason: string) =>
  withServices(({ db }) => db.execute(sql`UPDATE organizations SET sending_paused_at = now(), sending_paused_reason = ${reason} WHERE id = ${organizationId}::uuid`));

const markBounced = (notificationId: string) => withServices(({ db }) => db.execute(sql`UPDATE notifications SET status = 'bounced' WHERE id = ${notificationId}::uuid`));

describe("GET /dashboard, the overview", () => {
  it("shows each organisation only its own sending state, days and provider attempts", async () => {
    const north = await signedInOrganization("Northwind");
    const south = await signedInOrganization("Southwind");
    const northSent = await storeSent(north.organization.organizationId, "sendgrid", 3);
    const southSent = await storeSent(south.organization.organizationId, "sendgrid", 5);
    await markBounced(southSent[0]?.notificationId ?? "");
    await pause(south.organization.organizationId, "bounce rate 20.00% over the last 5 sent emails reached the threshold of 3.00%");
    const at = new Date();
    await storeAttempts(north.organization.organizationId, [
      { notificationId: northSent[0]?.notificationId ?? "", provider: "sendgrid", outcome: "accepted", latencyMs: 120, at },
      { notificationId: northSent[1]?.notificationId ?? "", provider: "sendgrid", outcome: "accepted", latencyMs: 180, at },
      { notificationId: northSent[2]?.notificationId ?? "", provider: "sendgrid", outcome: "retryable", latencyMs: 900, at },
    ]);
    const today = localDate("UTC");

    const n = await fetchDashboard("/dashboard", { cookie: north.cookie });
    expect(n.status, n.text).toBe(200);
    expect(n.text).toContain('<span class="org">Northwind</span>');
    expect(n.text).not.toContain("Southwind");
    expect(n.text).toContain("<strong>Active</strong>");
    expect(n.text).not.toContain("held</strong>");
    const northRows = rowsOf(n.text);
    expect(northRows).toContain("Hard bounces 0 0.00 % 3.00 %");
    expect(northRows.find((r) => r.startsWith(today))).toMatch(new RegExp(`^${today} 3 0 0 0 0 0 0 0 `));
    expect(northRows.find((r) => r.startsWith("7 days"))).toMatch(/^7 days 3 0 0 0 0 0 0 0 /);
    expect(northRows.find((r) => r.startsWith("sendgrid"))).toMatch(/^sendgrid closed 2 1 0 0 \d{4}-\d{2}-\d{2} [\d:]{8} UTC /);

    const s = await fetchDashboard("/dashboard", { cookie: south.cookie });
    expect(s.text).toContain('<span class="org">Southwind</span>');
    expect(s.text).not.toContain("Northwind");
    expect(s.text).toMatch(/<strong>Paused<\/strong> since <time datetime="[^"]+">[^<]+<\/time>: bounce rate 20.00% over the last 5 sent emails/);
    expect(s.text).toContain("<strong>0 notifications held</strong>");
    const southRows = rowsOf(s.text);
    expect(southRows).toContain("Hard bounces 1 20.00 % 3.00 %");
    expect(southRows.find((r) => r.startsWith(today))).toMatch(new RegExp(`^${today} 5 `));
    expect(southRows.find((r) => r.startsWith("sendgrid"))).toMatch(/^sendgrid closed 0 0 0 0 — /);
  });

  it("shows how many notifications a paused organisation holds, the same count as GET /v1/sending's held", async () => {
    const { organization, cookie } = await signedInOrganization();
    const held = await storePendingComment(organization.organizationId);
    const other = await storePendingComment(organization.organizationId);
    await withServices(async ({ db }) => {
      await db.execute(sql`UPDATE organizations SET sending_paused_at = now(), sending_paused_reason = 'test' WHERE id = ${organization.organizationId}::uuid`);
      await db.execute(sql`UPDATE notifications SET status = 'paused' WHERE id = ${held.notificationId}::uuid`);
    });
    // Another organisation's held mail is not counted.
    const elsewhere = await signedInOrganization("Elsewhere");
    const theirs = await storePendingComment(elsewhere.organization.organizationId);
    await withServices(({ db }) => db.execute(sql`UPDATE notifications SET status = 'paused' WHERE id = ${theirs.notificationId}::uuid`));

    expect((await call<SendingState>("GET", "/v1/sending", { key: organization.apiKey })).body).toMatchObject({ paused: true, held: 1 });
    const one = await fetchDashboard("/dashboard", { cookie });
    expect(one.status, one.text).toBe(200);
    expect(one.text).toContain("<strong>Paused</strong>");
    expect(one.text).toContain("<strong>1 notification held</strong>");

    await withServices(({ db }) => db.execute(sql`UPDATE notifications SET status = 'paused' WHERE id = ${other.notificationId}::uuid`));
    expect((await call<SendingState>("GET", "/v1/sending", { key: organization.apiKey })).body).toMatchObject({ held: 2 });
    expect((await fetchDashboard("/dashboard", { cookie })).text).toContain("<strong>2 notifications held</strong>");

    // Held mail is shown even once the pause is cleared by hand, so it is not forgotten.
    await withServices(({ db }) =>
      db.execute(sql`UPDATE organizations SET sending_paused_at = NULL, sending_paused_reason = NULL WHERE id = ${organization.organizationId}::uuid`),
    );
    const active = await fetchDashboard("/dashboard", { cookie });
    expect(active.text).toContain("<strong>Active</strong>");
    expect(active.text).toContain("<strong>2 notifications held</strong>");
  });

  it("lists the last seven local days in the organisation's time zone, today last, quiet days as zeros", async () => {
    const { organization, cookie } = await signedInOrganization();
    // UTC+14: its date is ahead of UTC's for most of the day.
    await setOrganizationTimeZone(organization.organizationId, "Pacific/Kiritimati");
    const res = await fetchDashboard("/dashboard", { cookie });
    const days = rowsOf(res.text).filter((r) => /^\d{4}-\d{2}-\d{2} /.test(r));
    expect(days).toHaveLength(7);
    expect(days.at(-1)).toMatch(new RegExp(`^${localDate("Pacific/Kiritimati")} 0 0 0 0 0 0 0 0 — —$`));
    expect(days[0]?.slice(0, 10)).toBe(localDate("Pacific/Kiritimati", Date.now() - 6 * 86_400_000));
    expect(res.text).toContain("Per local day in Pacific/Kiritimati");
  });
});
