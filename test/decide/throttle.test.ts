import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import { admitThrottled } from "../../src/decide/timing/throttle";
import { NoopPreferenceCache } from "../../src/decide/preferences/cache";
import { claim, setChoice } from "../fixtures/preferences";
import { createOrganization, type TestOrganization, uniqueEmail } from "../fixtures/organization";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { fixedClock, withServices } from "../fixtures/services";
import { addCommentRule, deliverAt, postHeld, statusesOf } from "../fixtures/timing";

// Ahead of the wall clock, so a digest window opened at this time is not closed by its alarm mid-test.
const AT = new Date("2030-01-07T10:15:00Z");
const HOUR = 3_600_000;

function count<T>(items: T[], pick: (t: T) => unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of items) counts[String(pick(t))] = (counts[String(pick(t))] ?? 0) + 1;
  return counts;
}

/** `n` events to one recipient, posted all at once; returns their notification ids in posting order. */
async function postMany(org: TestOrganization, recipient: { id: string; email: string }, n: number): Promise<string[]> {
  const posted = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      postHeld(org, { type: "comment.created", recipients: [recipient], data: { author: "Grace", task: `Task ${i + 1}`, comment: "Viewed", url: "https://app.test/t/1" } }),
    ),
  );
  return posted.map((p) => p.notifications[0]?.id ?? "");
}

describe("throttling a rule per recipient", () => {
  it("sends exactly the limit of 50 concurrent events to one recipient and skips the rest with the rule", async () => {
    const org = await createOrganization();
    await addCommentRule(org, { key: "profile-viewed", throttle: { limit: 2, windowSeconds: 3600, overflow: "skip" } });
    const recipient = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("throttled") };
    const ids = await postMany(org, recipient, 50);

    await deliverAt(AT, ids, 10);

    expect(await receivedBy(recipient.email)).toHaveLength(2);
    const rows = await statusesOf(ids);
    expect(count(rows, (r) => `${r.status} ${r.decisionRule ?? ""}`)).toEqual({ "sent ": 2, "skipped throttled:profile-viewed": 48 });
  });

  it("folds what is over the limit into one digest of the recipient's and sends the limit now", async () => {
    const org = await createOrganization();
    await addCommentRule(org, { key: "profile-viewed", throttle: { limit: 2, windowSeconds: 3600, overflow: "digest" } });
    const recipient = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("throttled-digest") };
    const ids = await postMany(org, recipient, 50);

    await deliverAt(AT, ids, 10);

    expect(await receivedBy(recipient.email)).toHaveLength(2);
    const rows = await statusesOf(ids);
    const batched = rows.filter((r) => r.status === "batched");
    expect(batched).toHaveLength(48);
    expect(new Set(batched.map((r) => r.decisionRule))).toEqual(new Set(["throttled:profile-viewed"]));
    expect(new Set(batched.map((r) => r.digestId)).size).toBe(1);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(2);
  });

  it("admits again in the next window", async () => {
    const org = await createOrganization();
    await addCommentRule(org, { key: "profile-viewed", throttle: { limit: 2, windowSeconds: 3600, overflow: "skip" } });
    const recipient = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("next-window") };
    const first = await postMany(org, recipient, 3);
    await deliverAt(AT, first);
    const second = await postMany(org, recipient, 3);
    await deliverAt(new Date(AT.getTime() + HOUR), second);

    expect(await receivedBy(recipient.email)).toHaveLength(4);
    expect(count(await statusesOf(first), (r) => r.status)).toEqual({ sent: 2, skipped: 1 });
    expect(count(await statusesOf(second), (r) => r.status)).toEqual({ sent: 2, skipped: 1 });
  });

  it("counts a notification claimed again after its consumer died once, not twice", async () => {
    const org = await createOrganization();
    await addCommentRule(org, { key: "profile-viewed", throttle: { limit: 2, windowSeconds: 3600, overflow: "skip" } });
    const recipient = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("reclaimed") };
    const [a = "", b = "", c = ""] = await postMany(org, recipient, 3);

    const decided = await withServices(
      async (services) => {
        // The first consumer is admitted and dies before sending; the lease lapses and the sweep puts it back.
        const first = await decideNotifications(services, await claim(services, [a]));
        await services.db.execute(`UPDATE notifications SET status = 'pending', lease_expires_at = NULL WHERE id = '${a}'`);
        const again = await decideNotifications(services, await claim(services, [a]));
        const rest = await claim(services, [b, c]);
        const later = await decideNotifications(services, rest);
        await recordDecisions(services.db, rest, later);
        return { first: first.get(a), again: again.get(a), b: later.get(b), c: later.get(c) };
      },
      { clock: fixedClock(AT) },
    );

    expect(decided.first?.action).toBe("send");
    expect(decided.again?.action).toBe("send");
    // b and c were posted at once, so either event may be the older and take the last slot: one goes, one is skipped.
    expect([decided.b, decided.c].map((d) => d?.action).sort()).toEqual(["send", "skip"]);
    expect([decided.b, decided.c].find((d) => d?.action === "skip")).toEqual({ action: "skip", rule: "throttled:profile-viewed" });
  });

  it("admits the same candidate into a window once, whatever the number of statements", async () => {
    const org = await createOrganization();
    const ruleId = await addCommentRule(org, { key: "profile-viewed" });
    const [recipientId = ""] = await withServices(async (s) => (await claim(s, await postMany(org, { id: "u1", email: uniqueEmail() }, 1))).map((n) => n.recipientId));
    const candidate = (id: string) => ({ id, organizationId: org.organizationId, recipientId, ruleId, throttle: { limit: 2, windowSeconds: 60, overflow: "skip" as const } });
    const [x, y, z] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];

    const admitted = await withServices(async (s) => [
      await admitThrottled(s.db, [candidate(x)], AT),
      await admitThrottled(s.db, [candidate(x), candidate(y)], AT),
      await admitThrottled(s.db, [candidate(z), candidate(x)], AT),
    ]);

    expect(admitted).toEqual([new Set([x]), new Set([x, y]), new Set([x])]);
  });

  it("uses no slot for mail the recipient's preferences digest or that waits out quiet hours", async () => {
    const org = await createOrganization();
    await addCommentRule(org, { key: "profile-viewed", throttle: { limit: 1, windowSeconds: 3600, overflow: "skip" } });
    const person = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("no-slot") };
    const [a = "", b = "", c = "", d = ""] = await postMany(org, person, 4);

    const decided = await withServices(
      async (services) => {
        const decideOne = async (id: string) => {
          const claimed = await claim(services, [id]);
          const decisions = await decideNotifications(services, claimed);
          await recordDecisions(services.db, claimed, decisions);
          return decisions.get(id);
        };
        const found = await services.db.execute<{ id: string }>(sql`SELECT id FROM recipients WHERE organization_id = ${org.organizationId}::uuid AND external_id = ${person.id}`);
        const recipientId = found.rows[0]?.id ?? "";
        const quiet = (value: string) => services.db.execute(sql`UPDATE recipients SET quiet_hours = ${value}::jsonb WHERE id = ${recipientId}::uuid`);
        await setChoice(org.organizationId, recipientId, "comments", { delivery: "digest" });
        const digested = await decideOne(a);
        await setChoice(org.organizationId, recipientId, "comments", { delivery: "immediate" });
        // 10:00–11:00 in the organisation's zone (UTC) holds mail decided at 10:15.
        await quiet('{"start":"10:00","end":"11:00"}');
        const held = await decideOne(b);
        await quiet("false");
        return [digested, held, await decideOne(c), await decideOne(d)];
      },
      { clock: fixedClock(AT), preferences: new NoopPreferenceCache() },
    );

    expect(decided.map((x) => [x?.action, x?.rule])).toEqual([
      ["batch", "recipient_digest"],
      ["defer", "quiet_hours"],
      ["send", "recipient_immediate"],
      ["skip", "throttled:profile-viewed"],
    ]);
  });
});
