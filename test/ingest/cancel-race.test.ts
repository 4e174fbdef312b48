import { describe, expect, it, vi } from "vitest";
import type { CancelEventsResponse } from "../../src/ingest/routes/cancel-events";
import { call } from "../fixtures/http";
import { loadNotification } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { digestsOf, notificationRows } from "../fixtures/preferences";
import { deliverSends, ingestCommentAt, keyEventsOf, openDigestWindow } from "../fixtures/scheduled";
import { receivedBy } from "../fixtures/sendgrid-fake";

const ROUNDS = 20;

/**
 * Starts the racing side after the cancel, with a longer head start each round (0 ms upwards):
 * an HTTP cancel does more before its update than a consumer's claim, so started together the
 * send would win every round and the cancel's side of the race would go untested.
 */
const staggered = <T>(headStartMs: number, run: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => run().then(resolve, reject), headStartMs));
const cancel = (apiKey: string, key: string) => call<CancelEventsResponse>("DELETE", `/v1/events/cancel/${encodeURIComponent(key)}`, { key: apiKey });

describe("a cancel racing a send", () => {
  it(`ends each of ${ROUNDS} rounds of a cancel against the consumer sending the same notification in exactly one of sent or cancelled`, async () => {
    const org = await createOrganization();
    const outcomes = { sent: 0, cancelled: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const key = `race-${round}-${crypto.randomUUID()}`;
      const { email, notificationId } = await ingestCommentAt(org.organizationId, new Date(), { cancellationKey: key });
      const cancelling = cancel(org.apiKey, key);
      await staggered(round * 2, () => deliverSends([notificationId]));
      const res = await cancelling;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const status = (await loadNotification(notificationId)).status;
      const mail = await receivedBy(email);
      const reported = res.body.cancelled.map((c) => c.id);
      if (status === "cancelled") {
        expect(reported, `round ${round}`).toEqual([notificationId]);
        expect(mail, `round ${round}`).toHaveLength(0);
        outcomes.cancelled++;
      } else {
        expect(status, `round ${round}`).toBe("sent");
        expect(reported, `round ${round}`).toEqual([]);
        expect(res.body.notCancelled.map((n) => [n.id, n.reason])[0]?.[1], `round ${round}`).toMatch(/^(reached_provider|being_sent)$/);
        expect(mail, `round ${round}`).toHaveLength(1);
        outcomes.sent++;
      }
    }
    expect(outcomes.sent + outcomes.cancelled).toBe(ROUNDS);
  });

  it("ends each round of a digest flush racing the cancel of one of its items with the item either mailed or cancelled, never both", async () => {
    const org = await createOrganization();
    for (let round = 0; round < 10; round++) {
      const key = `digest-race-${round}-${crypto.randomUUID()}`;
      const { r, ids, window } = await openDigestWindow(org.organizationId, 2);
      const [first] = ids;
      if (!first) throw new Error("no items");
      await keyEventsOf([first], key);
      const cancelling = cancel(org.apiKey, key);
      await staggered(round * 4, () => window.flush({}));
      const res = await cancelling;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // The real queue delivers the digest job; wait for the digest to reach its end.
      const digest = await vi.waitFor(
        async () => {
          const d = (await digestsOf(r.id))[0];
          if (!d || !["sent", "empty"].includes(d.status)) throw new Error(`digest is ${d?.status}`);
          return d;
        },
        { timeout: 20_000, interval: 100 },
      );
      expect(digest.status, `round ${round}`).toBe("sent");
      const mail = await receivedBy(r.email);
      expect(mail, `round ${round}`).toHaveLength(1);
      const text = mail[0]?.body.content.find((c) => c.type === "text/plain")?.value ?? "";
      const item = (await notificationRows([first]))[0];
      if (res.body.cancelled.some((c) => c.id === first)) {
        expect(item?.status, `round ${round}`).toBe("cancelled");
        expect(mail[0]?.body.subject, `round ${round}`).toBe("1 new update from Acme");
        expect(text, `round ${round}`).not.toContain("Task 1");
      } else {
        expect(res.body.notCancelled, `round ${round}`).toEqual([expect.objectContaining({ id: first, reason: "in_closed_digest" })]);
        expect(mail[0]?.body.subject, `round ${round}`).toBe("2 new updates from Acme");
        expect(text, `round ${round}`).toContain("Task 1");
      }
    }
  });
});
