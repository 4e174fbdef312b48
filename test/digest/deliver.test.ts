import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { digests } from "../../src/platform/db/schema";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { claim, createRecipient, digestsOf, notificationRows, setChoice, storeNotifications, windowStub, deliverDigest } from "../fixtures/preferences";
import { withServices } from "../fixtures/services";
import { receivedBy } from "../fixtures/sendgrid-fake";

/**
 * A recipient with `count` comments decided into one digest window, closed by its item count unless
 * `maxItems` is larger (then `close()` flushes it). `record: false` leaves the decisions unwritten.
 */
async function batchedDigest(count: number, options: { record?: boolean; maxItems?: number } = {}) {
  const org = await createOrganization();
  const r = await createRecipient(org.organizationId, { name: "Robin" });
  await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: options.maxItems ?? count } });
  const ids = await storeNotifications(org.organizationId, r.id, count);
  const { claimed, decisions } = await withServices(async (services) => {
    const claimed = await claim(services, ids);
    return { claimed, decisions: await decideNotifications(services, claimed) };
  });
  const record = () => withServices((s) => recordDecisions(s.db, claimed, decisions));
  if (options.record !== false) await record();
  const closed = async () => {
    await windowStub(org.organizationId, r.id, "comments").flush({});
    return vi.waitFor(async () => {
      const row = (await digestsOf(r.id)).find((d) => d.status !== "open");
      if (!row) throw new Error("digest not closed yet");
      return row.id;
    });
  };
  return { org, r, ids, record, closed };
}

const mailTo = (email: string) =>
  vi.waitFor(async () => {
    const received = await receivedBy(email);
    if (received.length === 0) throw new Error(`no mail to ${email} yet`);
    return received;
  });

const digestRow = async (id: string) => (await withServices((s) => s.db.select().from(digests).where(eq(digests.id, id))))[0];

describe("delivering a digest", () => {
  it("sends one email listing the items with the count, and marks the digest sent with its provider attempt", async () => {
    const { r, closed } = await batchedDigest(3);
    const digestId = await closed();
    expect(await withServices((s) => deliverDigest(s, digestId, { attempt: 1 }))).toEqual({ retry: false });
    const mail = await mailTo(r.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body.subject).toBe("3 new updates from Acme");
    const text = mail[0]?.body.content.find((c) => c.type === "text/plain")?.value ?? "";
    expect(text).toContain("Hi Robin");
    for (const title of ["Task 1", "Task 2", "Task 3"]) expect(text).toContain(title);
    const row = await vi.waitFor(async () => {
      const d = await digestRow(digestId);
      if (d?.status !== "sent") throw new Error(`digest is ${d?.status}`);
      return d;
    });
    expect(row).toMatchObject({ provider: "sendgrid", itemCount: 3 });
    expect(row.providerMessageId).toBe(mail[0]?.messageId);
    expect(row.attemptLog.map((a) => a.outcome)).toEqual(["accepted"]);
  });

  it("sends a digest once when two consumers deliver the same job at the same time", async () => {
    const { r, closed } = await batchedDigest(2);
    const digestId = await closed();
    await withServices((s) => Promise.all([deliverDigest(s, digestId, { attempt: 1 }), deliverDigest(s, digestId, { attempt: 1 })]));
    await mailTo(r.email);
    await withServices((s) => deliverDigest(s, digestId, { attempt: 2 }));
    expect(await receivedBy(r.email)).toHaveLength(1);
  });

  it("waits for items whose decision is still being written, then includes them", async () => {
    const { r, closed, record } = await batchedDigest(2, { record: false });
    const digestId = await closed();
    expect(await withServices((s) => deliverDigest(s, digestId, { attempt: 1 }))).toEqual({ retry: true, delaySeconds: 5 });
    await record();
    await withServices((s) => deliverDigest(s, digestId, { attempt: 2 }));
    const mail = await mailTo(r.email);
    expect(mail[0]?.body.subject).toBe("2 new updates from Acme");
  });

  it("skips a pending digest whose recipient unsubscribed from everything meanwhile, and its items too", async () => {
    const { org, r, ids, closed } = await batchedDigest(2, { maxItems: 10 });
    const res = await call("PUT", `/v1/recipients/${r.externalId}/preferences`, { key: org.apiKey, body: { unsubscribedAll: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const digestId = await closed();
    await withServices((s) => deliverDigest(s, digestId, { attempt: 1 }));
    expect(await digestRow(digestId)).toMatchObject({ status: "skipped", failureReason: "unsubscribed_all" });
    expect((await notificationRows(ids)).map((n) => [n.status, n.decisionRule])).toEqual([
      ["skipped", "unsubscribed_all"],
      ["skipped", "unsubscribed_all"],
    ]);
    expect(await receivedBy(r.email)).toHaveLength(0);
  });
});
