import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addManualSuppression } from "../../../src/followup/suppression-store";
import { uniqueEmail } from "../../fixtures/organization";
import { storeSent } from "../../fixtures/followup";
import { withServices } from "../../fixtures/services";
import { fetchDashboard, rowsOf, signedInOrganization } from "../../fixtures/dashboard";

const suppress = (organizationId: string, email: string, note: string | null = null) =>
  withServices(async ({ db, keys }) => addManualSuppression(db, (await keys.emailHashes()) ?? expect.fail("a hash key"), organizationId, email, note));

const storeManySuppressions = (organizationId: string, count: number) =>
  withServices(({ db }) =>
    db.execute(sql`
      INSERT INTO suppressions (id, organization_id, email_hash, reason, suppressed_at)
      SELECT gen_random_uuid(), ${organizationId}::uuid, 'hash-' || g, 'hard_bounce', timestamptz '2026-01-01T12:00:00Z' - g * interval '1 minute'
        FROM generate_series(1, ${count}) g`),
  );

const entryRows = (html: string) => rowsOf(html).slice(1);
const olderLink = (html: string) => /<a href="([^"]+)" rel="next">Older<\/a>/.exec(html)?.[1];

describe("GET /dashboard/suppressions", () => {
  it("lists the organisation's suppressions with reason and date, the address when a recipient has it, and nobody else's", async () => {
    const mine = await signedInOrganization("Mine Ltd");
    const theirs = await signedInOrganization("Theirs Ltd");
    const [known] = await storeSent(mine.organization.organizationId, "sendgrid");
    await suppress(mine.organization.organizationId, known?.email ?? "", "asked by phone");
    const stranger = uniqueEmail("stranger");
    await suppress(mine.organization.organizationId, stranger);
    const theirAddress = uniqueEmail("theirs");
    await storeSent(theirs.organization.organizationId, "sendgrid");
    await suppress(theirs.organization.organizationId, theirAddress);

    const res = await fetchDashboard("/dashboard/suppressions", { cookie: mine.cookie });
    expect(res.status, res.text).toBe(200);
    const rows = entryRows(res.text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^unknown \(hash [0-9a-f]{12}…\) manual \d{4}-\d{2}-\d{2} [\d:]{8} UTC 0 —$/);
    expect(rows[1]).toMatch(new RegExp(`^${known?.email.replace(/\./g, "\\.")} manual .* UTC 0 asked by phone$`));
    expect(res.text).not.toContain(stranger);
    expect(res.text).not.toContain(theirAddress);
  });

  it("pages 50 at a time, newest first", async () => {
    const { organization, cookie } = await signedInOrganization();
    await storeManySuppressions(organization.organizationId, 55);
    const first = await fetchDashboard("/dashboard/suppressions", { cookie });
    expect(entryRows(first.text)).toHaveLength(50);
    expect(entryRows(first.text)[0]).toMatch(/ hard bounce 2026-01-01 11:59:00 UTC /);
    const older = olderLink(first.text);
    expect(older).toMatch(/^\/dashboard\/suppressions\?after=[0-9a-f-]{36}$/);
    const second = await fetchDashboard(older ?? "", { cookie });
    expect(entryRows(second.text).map((r) => /(\d\d:\d\d):00 UTC/.exec(r)?.[1])).toEqual(["11:09", "11:08", "11:07", "11:06", "11:05"]);
    expect(olderLink(second.text)).toBeUndefined();
    expect(second.text).toContain('<a href="/dashboard/suppressions">Newest</a>');
  });

  it("answers 400 with a page for a position that is not an id", async () => {
    const { cookie } = await signedInOrganization();
    const res = await fetchDashboard("/dashboard/suppressions?after=nope", { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Not a valid page link");
  });
});
