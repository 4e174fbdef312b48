import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runDigestSchedules } from "../../src/digest/cron";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import { dueAt, nextLocalOccurrence } from "../../src/digest/schedule";
import { createOrganization } from "../fixtures/organization";
import { claim, createRecipient, digestsOf, setChoice, setOrganizationTimezone, storeNotifications, windowStub } from "../fixtures/preferences";
import { fixedClock, withServices } from "../fixtures/services";

const at = (iso: string) => new Date(iso).getTime();

describe("local time for scheduled digests", () => {
  it.each([
    ["09:00 in Paris in winter is 08:00 UTC", "2030-01-15T07:00:00Z", "Europe/Paris", 9, undefined, "2030-01-15T08:00:00.000Z"],
    ["09:00 in Paris in summer is 07:00 UTC", "2030-07-15T05:00:00Z", "Europe/Paris", 9, undefined, "2030-07-15T07:00:00.000Z"],
    ["an hour already past today is tomorrow's", "2030-01-15T09:30:00Z", "UTC", 9, undefined, "2030-01-16T09:00:00.000Z"],
    ["09:00 in New York on the day daylight saving starts", "2030-03-10T05:00:00Z", "America/New_York", 9, undefined, "2030-03-10T13:00:00.000Z"],
    ["09:00 in Kolkata (UTC+05:30)", "2030-01-15T00:00:00Z", "Asia/Kolkata", 9, undefined, "2030-01-15T03:30:00.000Z"],
    ["Monday 08:00 in Tokyo from a Tuesday is next Monday", "2030-01-15T00:00:00Z", "Asia/Tokyo", 8, 1, "2030-01-20T23:00:00.000Z"],
  ])("%s", (_name, from, zone, hour, weekday, expected) => {
    expect(new Date(nextLocalOccurrence(at(from), zone, hour, weekday)).toISOString()).toBe(expected);
  });

  it("reads an unknown time zone as UTC rather than failing", () => {
    expect(new Date(dueAt({ kind: "daily", hour: 6 }, at("2030-01-15T01:00:00Z"), "Mars/Olympus")).toISOString()).toBe("2030-01-15T06:00:00.000Z");
  });
});

describe("the digest cron job", () => {
  it("sends daily digests at each recipient's local hour, in their own zone or else the organisation's", async () => {
    const org = await createOrganization();
    await setOrganizationTimezone(org.organizationId, "Asia/Tokyo");
    const paris = await createRecipient(org.organizationId, { timezone: "Europe/Paris" });
    const newYork = await createRecipient(org.organizationId, { timezone: "America/New_York" });
    const tokyo = await createRecipient(org.organizationId, { timezone: null });
    const people = [paris, newYork, tokyo];
    // Tuesday 15 January 2030, 07:00 UTC: 08:00 in Paris, 02:00 in New York, 16:00 in Tokyo.
    const opened = new Date("2030-01-15T07:00:00Z");
    await withServices(
      async (services) => {
        for (const person of people) {
          await setChoice(org.organizationId, person.id, "comments", { delivery: "digest", digest: { kind: "daily", hour: 9 } });
          const claimed = await claim(services, await storeNotifications(org.organizationId, person.id, 2));
          await recordDecisions(services.db, claimed, await decideNotifications(services, claimed));
        }
      },
      { clock: fixedClock(opened) },
    );
    const statuses = async () => Promise.all(people.map(async (p) => (await digestsOf(p.id)).map((d) => d.status !== "open")));
    const run = (iso: string) => withServices((s) => runDigestSchedules(s, new Date(iso), { organizationIds: [org.organizationId] }));

    expect((await digestsOf(paris.id))[0]?.dueAt.toISOString()).toBe("2030-01-15T08:00:00.000Z");
    expect(await run("2030-01-15T07:55:00Z")).toMatchObject({ due: 0, flushed: 0 });
    expect(await statuses()).toEqual([[false], [false], [false]]);
    expect(await run("2030-01-15T08:00:00Z")).toMatchObject({ due: 1, flushed: 1 });
    expect(await statuses()).toEqual([[true], [false], [false]]);
    expect(await run("2030-01-15T14:00:00Z")).toMatchObject({ due: 1, flushed: 1 });
    expect(await statuses()).toEqual([[true], [true], [false]]);
    expect(await run("2030-01-16T00:00:00Z")).toMatchObject({ due: 1, flushed: 1 });
    expect(await statuses()).toEqual([[true], [true], [true]]);
    const tokyoDigest = (await digestsOf(tokyo.id))[0];
    expect(tokyoDigest?.dueAt.toISOString()).toBe("2030-01-16T00:00:00.000Z");
    expect(tokyoDigest?.notificationIds).toHaveLength(2);
  });

  it("closes a window whose alarm was missed, once its end is past the grace period", async () => {
    const org = await createOrganization();
    const r = await createRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 10 } });
    const ids = await storeNotifications(org.organizationId, r.id, 2);
    await withServices(async (services) => {
      const claimed = await claim(services, ids);
      await recordDecisions(services.db, claimed, await decideNotifications(services, claimed));
    });
    const stub = windowStub(org.organizationId, r.id, "comments");
    await runInDurableObject(stub, (_instance, state) => state.storage.deleteAlarm());
    const due = (await digestsOf(r.id))[0]?.dueAt.getTime() ?? 0;
    const run = (ms: number) => withServices((s) => runDigestSchedules(s, new Date(ms), { organizationIds: [org.organizationId] }));

    expect(await run(due + 30_000)).toMatchObject({ due: 0 });
    expect(await run(due + 61_000)).toMatchObject({ due: 1, flushed: 1 });
    const [digest] = await digestsOf(r.id);
    expect(digest?.status).not.toBe("open");
    expect(digest?.notificationIds).toEqual(ids);
    expect(await run(due + 120_000)).toMatchObject({ due: 0, flushed: 0 });
  });
});
