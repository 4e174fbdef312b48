import { describe, expect, it, vi } from "vitest";
import { decideNotifications, recordDecisions } from "../../src/decide/decide";
import type { RecipientPreferencesView } from "../../src/decide/routes/preferences/schema";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { claim, createRecipient, digestsOf, storeNotifications, windowStub, deliverDigest } from "../fixtures/preferences";
import { withServices } from "../fixtures/services";
import { receivedBy } from "../fixtures/sendgrid-fake";

describe("switching a category from digest to immediate", () => {
  it("sends what is pending in the open window at once, and later notifications go out immediately", async () => {
    const org = await createOrganization();
    const r = await createRecipient(org.organizationId);
    const put = (body: unknown) => call<RecipientPreferencesView>("PUT", `/v1/recipients/${r.externalId}/preferences`, { key: org.apiKey, body });
    expect((await put({ categories: { comments: { delivery: "digest", digest: { kind: "window", minutes: 120 } } } })).status).toBe(200);

    const pending = await storeNotifications(org.organizationId, r.id, 3);
    await withServices(async (services) => {
      const claimed = await claim(services, pending);
      await recordDecisions(services.db, claimed, await decideNotifications(services, claimed));
    });
    expect((await windowStub(org.organizationId, r.id, "comments").state()).items).toEqual(pending);

    const res = await put({ categories: { comments: { delivery: "immediate" } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.categories.find((c) => c.category === "comments")).toMatchObject({ delivery: "immediate", source: { delivery: "recipient" } });
    expect((await windowStub(org.organizationId, r.id, "comments").state()).window).toBeNull();
    const digest = await vi.waitFor(async () => {
      const row = (await digestsOf(r.id)).find((d) => d.status !== "open");
      if (!row) throw new Error("window not flushed yet");
      return row;
    });
    expect(digest.notificationIds).toEqual(pending);

    await withServices((s) => deliverDigest(s, digest.id, { attempt: 1 }));
    const mail = await vi.waitFor(async () => {
      const received = await receivedBy(r.email);
      if (received.length === 0) throw new Error("no digest email yet");
      return received;
    });
    expect(mail[0]?.body.subject).toBe("3 new updates from Acme");

    const [later] = await storeNotifications(org.organizationId, r.id, 1);
    const decision = await withServices(async (services) => (await decideNotifications(services, await claim(services, [later ?? ""]))).get(later ?? ""));
    expect(decision).toEqual({ action: "send", rule: "recipient_immediate" });
  });
});
