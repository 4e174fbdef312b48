import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { RecipientHistoryPage } from "../../src/operators/routes/notifications/schema";
import { type HistoryRow, storeNotifications, storeRecipient, type StoredNotification } from "../fixtures/history";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { organizationWithSendGrid } from "../fixtures/sendgrid-organization";
import { nowSeconds, postSendGrid, sendGridEvent } from "../fixtures/webhook-signers";

const read = (key: string, recipientId: string, query = "") =>
  call<RecipientHistoryPage & ErrorBody>("GET", `/v1/recipients/${encodeURIComponent(recipientId)}/notifications${query}`, { key });

/** Follows nextCursor to the end, returning each page's notification ids. */
async function readAllPages(key: string, recipientId: string, query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await read(key, recipientId, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body.entries.map((e) => e.id));
    cursor = res.body.nextCursor;
    if (pages.length > 30) throw new Error("the cursor never ran out");
  } while (cursor);
  return pages;
}

/** The order the API promises: the later INSERT first, and inside one (one created_at) the larger id first. */
const newestFirst = (...batchesOldestFirst: StoredNotification[][]) =>
  [...batchesOldestFirst].reverse().flatMap((batch) =>
    batch
      .map((n) => n.id)
      .sort()
      .reverse(),
  );

const rows = (count: number, row: HistoryRow = {}): HistoryRow[] => Array.from({ length: count }, () => row);

describe("GET /v1/recipients/:id/notifications", () => {
  it("pages newest first without gaps or repeats, across notifications that share created_at", async () => {
    const org = await createOrganization();
    const recipient = await storeRecipient(org.organizationId);
    const older = await storeNotifications(org.organizationId, recipient, rows(4));
    const newer = await storeNotifications(org.organizationId, recipient, rows(5));
    await storeNotifications(org.organizationId, await storeRecipient(org.organizationId), rows(3));

    for (const limit of [1, 2, 4]) {
      const pages = await readAllPages(org.apiKey, recipient.externalId, `?limit=${limit}`);
      expect(pages.flat(), `limit=${limit}`).toEqual(newestFirst(older, newer));
      expect(
        pages.slice(0, -1).every((p) => p.length === limit),
        `limit=${limit}`,
      ).toBe(true);
    }
  });

  it("answers 25 entries by default and a cursor to the rest", async () => {
    const org = await createOrganization();
    const recipient = await storeRecipient(org.organizationId);
    await storeNotifications(org.organizationId, recipient, rows(26));
    const first = await read(org.apiKey, recipient.externalId);
    expect(first.body).toMatchObject({ recipientId: recipient.externalId, nextCursor: expect.any(String) });
    expect(first.body.entries).toHaveLength(25);
    const rest = await read(org.apiKey, recipient.externalId, `?cursor=${first.body.nextCursor}`);
    expect(rest.body.entries).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("filters by status and by event type, and keeps the filter from page to page", async () => {
    const org = await createOrganization();
    const recipient = await storeRecipient(org.organizationId);
    const stored = await storeNotifications(org.organizationId, recipient, [
      { status: "sent" },
      { status: "failed" },
      { status: "skipped" },
      { status: "failed", type: "security.alert" },
      { status: "sent", type: "security.alert" },
      { status: "batched" },
    ]);
    const ids = (keep: (n: StoredNotification) => boolean) => newestFirst(stored.filter(keep));
    const all = (query: string) => readAllPages(org.apiKey, recipient.externalId, query).then((pages) => pages.flat());
    expect(await all("?limit=1&status=failed")).toEqual(ids((n) => n.status === "failed"));
    expect(await all("?limit=1&type=security.alert")).toEqual(ids((n) => n.type === "security.alert"));
    expect(await all("?status=sent&type=security.alert")).toEqual(ids((n) => n.status === "sent" && n.type === "security.alert"));
    expect(await all("?status=delivered")).toEqual([]);
    expect(await all("?type=no.such.type")).toEqual([]);
  });

  it("shows each notification's fields and its newest provider event as lastEvent", async () => {
    const org = await organizationWithSendGrid();
    const recipient = await storeRecipient(org.organizationId);
    const [reported, quiet] = await storeNotifications(org.organizationId, recipient, rows(2));
    if (!reported || !quiet) throw new Error("two notifications were stored");
    const t = Number(nowSeconds(-600));
    // Posted newest first: lastEvent is the newest by the provider's time, not the last stored.
    const hook = await postSendGrid(org.path, org.account, [sendGridEvent("open", reported, { timestamp: t + 60 }), sendGridEvent("delivered", reported, { timestamp: t })]);
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);

    const res = await read(await org.keyFor("viewer"), recipient.externalId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.recipientId).toBe(recipient.externalId);
    expect(res.body.entries.find((e) => e.id === reported.id)).toEqual({
      id: reported.id,
      eventId: expect.any(String),
      type: "comment.created",
      status: "delivered",
      priority: "normal",
      createdAt: expect.any(String),
      sentAt: expect.any(String),
      failedAt: null,
      failureReason: null,
      decisionRule: null,
      digestId: null,
      provider: "sendgrid",
      providerMessageId: reported.messageId,
      lastEvent: { type: "opened", at: new Date((t + 60) * 1000).toISOString() },
    });
    expect(res.body.entries.find((e) => e.id === quiet.id)?.lastEvent).toBeNull();
  });

  it("answers 404 for another organisation's recipient and for an unknown one", async () => {
    const owner = await createOrganization("Owner");
    const other = await createOrganization("Other");
    const recipient = await storeRecipient(owner.organizationId);
    await storeNotifications(owner.organizationId, recipient, rows(1));
    expect((await read(owner.apiKey, recipient.externalId)).body.entries).toHaveLength(1);
    const theirs = await read(await other.keyFor("viewer"), recipient.externalId);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(404);
    expect(theirs.body.error.code).toBe("NOT_FOUND");
    expect((await read(owner.apiKey, `user-${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("lets viewer, editor and admin keys read, refuses an ingest key with 403 and no key with 401", async () => {
    const org = await createOrganization();
    const recipient = await storeRecipient(org.organizationId);
    for (const role of ["viewer", "editor", "admin"] as const) expect((await read(await org.keyFor(role), recipient.externalId)).status, role).toBe(200);
    const ingest = await read(await org.keyFor("ingest"), recipient.externalId);
    expect(ingest.status).toBe(403);
    expect(ingest.body.error.code).toBe("FORBIDDEN");
    expect((await call("GET", `/v1/recipients/${recipient.externalId}/notifications`)).status).toBe(401);
  });

  const cursorOf = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  describe.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["status=nope", "status"],
    ["type=", "type"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${cursorOf({ at: "2026-01-01T00:00:00.000000Z" })}`, "cursor"],
  ])("?%s", (query, field) => {
    it(`answers 400 naming ${field}`, async () => {
      const org = await createOrganization();
      const recipient = await storeRecipient(org.organizationId);
      const res = await read(org.apiKey, recipient.externalId, `?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("BAD_REQUEST");
      expect(res.body.error.fields?.map((f) => f.path)).toEqual([field]);
    });
  });
});
