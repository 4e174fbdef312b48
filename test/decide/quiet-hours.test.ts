import { describe, expect, it } from "vitest";
import type { CreateEventRequest } from "../../src/ingest/routes/create-event";
import { createOrganization, type TestOrganization, uniqueEmail } from "../fixtures/organization";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { deliverAt, postHeld, setOrganizationQuietHours, statusesOf } from "../fixtures/timing";

// 20:00 UTC on 15 January 2030: 05:00 the next morning in Tokyo (UTC+9), noon in Los Angeles (UTC-8).
// Years ahead: a sweep another test file runs on the real clock must not release these rows early.
const AT = new Date("2030-01-15T20:00:00Z");
const TOKYO_MORNING = new Date("2030-01-15T22:00:00Z");
const at = (offsetMs: number) => new Date(AT.getTime() + offsetMs);

type Person = CreateEventRequest["recipients"][number];
const person = (timezone: string, extra: Partial<Person> = {}): Person => ({ id: `user-${crypto.randomUUID()}`, email: uniqueEmail("quiet"), timezone, ...extra });

async function postTo(org: TestOrganization, recipients: Person[], type = "comment.created") {
  const accepted = await postHeld(org, { type, recipients, data: { author: "Grace", task: "Ship v1", comment: "Looks good", url: "https://app.test/t/1" } });
  return accepted.notifications.map((n) => n.id);
}

async function nightOrganization() {
  const org = await createOrganization();
  await setOrganizationQuietHours(org.organizationId, { start: "22:00", end: "07:00" });
  return org;
}

describe("quiet hours", () => {
  it("holds mail for a recipient whose night it is until 07:00 in their zone, sends a daytime recipient's at once, and sends the held one once after", async () => {
    const org = await nightOrganization();
    const tokyo = person("Asia/Tokyo");
    const losAngeles = person("America/Los_Angeles");
    const [forTokyo = "", forLosAngeles = ""] = await postTo(org, [tokyo, losAngeles]);

    await deliverAt(AT, [forTokyo, forLosAngeles]);
    expect(await receivedBy(losAngeles.email)).toHaveLength(1);
    expect(await receivedBy(tokyo.email)).toHaveLength(0);
    expect(await statusesOf([forTokyo])).toMatchObject([{ status: "scheduled", decisionRule: "quiet_hours", retryAt: TOKYO_MORNING }]);

    // A message that comes before the window ends finds it still night, and the mail waits on.
    await deliverAt(at(30 * 60_000), [forTokyo]);
    expect(await statusesOf([forTokyo])).toMatchObject([{ status: "scheduled", retryAt: TOKYO_MORNING }]);

    // Released after 07:00 (the sweep's message and a duplicate of it): sent, once.
    const after = new Date(TOKYO_MORNING.getTime() + 30_000);
    await Promise.all([deliverAt(after, [forTokyo]), deliverAt(after, [forTokyo])]);
    expect(await receivedBy(tokyo.email)).toHaveLength(1);
    expect(await statusesOf([forTokyo])).toMatchObject([{ status: "sent" }]);
  });

  it("sends critical mail at night at once", async () => {
    const org = await nightOrganization();
    const tokyo = person("Asia/Tokyo");
    const ids = await postTo(org, [tokyo], "security.alert");
    await deliverAt(AT, ids);
    expect(await receivedBy(tokyo.email)).toHaveLength(1);
  });

  it("sends at once to a recipient who turned quiet hours off", async () => {
    const org = await nightOrganization();
    const tokyo = person("Asia/Tokyo", { quietHours: false });
    const ids = await postTo(org, [tokyo]);
    await deliverAt(AT, ids);
    expect(await receivedBy(tokyo.email)).toHaveLength(1);
  });

  it("follows a recipient's own window rather than the organisation's", async () => {
    const org = await nightOrganization();
    // 05:00 in Tokyo is outside 23:00–04:00; noon in Los Angeles is inside 11:00–13:00 (21:00Z).
    const tokyo = person("Asia/Tokyo", { quietHours: { start: "23:00", end: "04:00" } });
    const losAngeles = person("America/Los_Angeles", { quietHours: { start: "11:00", end: "13:00" } });
    const [forTokyo = "", forLosAngeles = ""] = await postTo(org, [tokyo, losAngeles]);

    await deliverAt(AT, [forTokyo, forLosAngeles]);
    expect(await receivedBy(tokyo.email)).toHaveLength(1);
    expect(await receivedBy(losAngeles.email)).toHaveLength(0);
    expect(await statusesOf([forLosAngeles])).toMatchObject([{ status: "scheduled", retryAt: new Date("2030-01-15T21:00:00Z") }]);
  });
});
