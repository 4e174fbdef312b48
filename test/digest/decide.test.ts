import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { recipients } from "../../src/platform/db/schema";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import { createOrganization } from "../fixtures/organization";
import { claim, createRecipient, digestsOf, notificationRows, setChoice, storeNotifications, windowStub, deliverDigest } from "../fixtures/preferences";
import { withServices } from "../fixtures/services";
import { receivedBy } from "../fixtures/sendgrid-fake";

describe("deciding claimed notifications from preferences", () => {
  it("skips a category the recipient opted out of and records the rule on each notification", async () => {
    const org = await createOrganization();
    const r = await createRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "comments", { enabled: false });
    const ids = await storeNotifications(org.organizationId, r.id, 2);
    await withServices(async (services) => {
      const claimed = await claim(services, ids);
      const decisions = await decideNotifications(services, claimed);
      expect([...decisions.values()]).toEqual([
        { action: "skip", rule: "recipient_opt_out" },
        { action: "skip", rule: "recipient_opt_out" },
      ]);
      expect(await recordDecisions(services.db, claimed, decisions)).toEqual(new Set(ids));
    });
    const rows = await notificationRows(ids);
    expect(rows.map((n) => [n.status, n.decisionRule])).toEqual([
      ["skipped", "recipient_opt_out"],
      ["skipped", "recipient_opt_out"],
    ]);
  });

  it("sends critical mail at once to an unsubscribed recipient with digests on, and skips the rest", async () => {
    const org = await createOrganization();
    const r = await createRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "security", { delivery: "digest" });
    await withServices((s) => s.db.update(recipients).set({ unsubscribedAt: new Date() }).where(eq(recipients.id, r.id)));
    const [alert] = await storeNotifications(org.organizationId, r.id, 1, "security.alert");
    const [comment] = await storeNotifications(org.organizationId, r.id, 1);
    await withServices(async (services) => {
      const decisions = await decideNotifications(services, await claim(services, [alert ?? "", comment ?? ""]));
      expect(decisions.get(alert ?? "")).toEqual({ action: "send", rule: "critical" });
      expect(decisions.get(comment ?? "")).toEqual({ action: "skip", rule: "unsubscribed_all" });
    });
  });

  it("hands digest items to the recipient's window and records which digest each joined", async () => {
    const org = await createOrganization();
    const r = await createRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60 } });
    const ids = await storeNotifications(org.organizationId, r.id, 3);
    const digestId = await withServices(async (services) => {
      const claimed = await claim(services, ids);
      const decisions = await decideNotifications(services, claimed);
      await recordDecisions(services.db, claimed, decisions);
      const first = decisions.get(ids[0] ?? "");
      expect(first).toMatchObject({ action: "batch", rule: "recipient_digest", digestKey: `${org.organizationId}:${r.id}:comments` });
      return first?.action === "batch" ? first.digestId : "";
    });
    expect((await notificationRows(ids)).map((n) => [n.status, n.digestId, n.decisionRule])).toEqual(ids.map(() => ["batched", digestId, "recipient_digest"]));
    expect((await windowStub(org.organizationId, r.id, "comments").state()).items).toEqual(ids);
  });

  it("folds 100 concurrently decided notifications for one recipient and category into one digest email", async () => {
    const org = await createOrganization();
    const r = await createRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 100 } });
    const ids = await storeNotifications(org.organizationId, r.id, 100);
    await withServices(async (services) => {
      const claimed = await claim(services, ids);
      // One decision per notification, all in flight at once, as 100 queue consumers would do it.
      const decided = await Promise.all(claimed.map((n) => decideNotifications(services, [n])));
      const decisions = new Map(decided.flatMap((d) => [...d]));
      expect((await recordDecisions(services.db, claimed, decisions)).size).toBe(100);
    });
    const closed = await vi.waitFor(async () => {
      const rows = (await digestsOf(r.id)).filter((d) => d.status !== "open");
      if (rows.length === 0) throw new Error("no closed digest yet");
      return rows;
    });
    expect(closed).toHaveLength(1);
    const digest = closed[0];
    expect(new Set(digest?.notificationIds)).toEqual(new Set(ids));
    expect(new Set((await notificationRows(ids)).map((n) => n.digestId))).toEqual(new Set([digest?.id]));

    await withServices((services) => deliverDigest(services, digest?.id ?? "", { attempt: 1 }));
    const mail = await vi.waitFor(async () => {
      const received = await receivedBy(r.email);
      if (received.length === 0) throw new Error("no digest email yet");
      return received;
    });
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body.subject).toBe("100 new updates from Acme");
    const html = mail[0]?.body.content.find((c) => c.type === "text/html")?.value ?? "";
    expect(html).toContain("Task 1");
    expect(html).toMatch(/and 90 more updates/);
    expect((await withServices((s) => s.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM digests WHERE recipient_id = ${r.id}::uuid`))).rows[0]?.n).toBe(1);
  });
});
