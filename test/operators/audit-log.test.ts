import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { AuditLogPage } from "../../src/operators/routes/audit-log/schema";
import { apiKeyId, storeAuditRows, type StoredAuditRow } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";

const read = (key: string, query = "") => call<AuditLogPage & ErrorBody>("GET", `/v1/audit-log${query}`, { key });

/** Follows nextCursor to the end, returning each page's entry ids. */
async function readAllPages(key: string, query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await read(key, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body.entries.map((e) => e.id));
    cursor = res.body.nextCursor;
    if (pages.length > 20) throw new Error("the cursor never ran out");
  } while (cursor);
  return pages;
}

/** Newest first, then the larger id first: the order the API promises. */
const newestFirst = (rows: (StoredAuditRow & { id: string })[]) => [...rows].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).map((r) => r.id);

async function storeNamed(organizationId: string, rows: StoredAuditRow[]) {
  const ids = await storeAuditRows(organizationId, rows);
  return rows.map((r, i) => ({ ...r, id: ids[i] ?? "" }));
}

describe("GET /v1/audit-log", () => {
  it("pages newest first without repeats or gaps, across equal timestamps and entries microseconds apart", async () => {
    const org = await createOrganization();
    // Three rows share one instant (only the id orders them), four sit inside one millisecond, and
    // pages of two end inside both groups.
    const rows = await storeNamed(org.organizationId, [
      ...["a", "b", "c"].map((n) => ({ action: `tie.${n}`, at: "2026-03-01T10:00:00.000500Z" })),
      ...[100, 200, 300, 400].map((us) => ({ action: `micro.${us}`, at: `2026-03-01T10:00:00.000${us}Z` })),
      { action: "older", at: "2026-02-28T09:00:00.000000Z" },
    ]);
    const pages = await readAllPages(org.apiKey, "?limit=2");
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2]);
    expect(pages.flat()).toEqual(newestFirst(rows));
  });

  it("answers 50 entries by default and a cursor to the rest", async () => {
    const org = await createOrganization();
    await storeAuditRows(
      org.organizationId,
      Array.from({ length: 51 }, (_, i) => ({ action: "bulk", at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() })),
    );
    const first = await read(org.apiKey);
    expect(first.body.entries).toHaveLength(50);
    const rest = await read(org.apiKey, `?cursor=${first.body.nextCursor}`);
    expect(rest.body.entries).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("filters by action, target and actor type, and keeps the filter from page to page", async () => {
    const org = await createOrganization();
    const at = (s: number) => `2026-04-01T00:00:${String(s).padStart(2, "0")}.000000Z`;
    const rows = await storeNamed(org.organizationId, [
      { action: "template.publish", at: at(1), actorType: "api_key", targetType: "template", targetId: "t1" },
      { action: "template.publish", at: at(2), actorType: "api_key", targetType: "template", targetId: "t2" },
      { action: "template.publish", at: at(3), actorType: "api_key", targetType: "template", targetId: "t1" },
      { action: "template.create", at: at(4), actorType: "api_key", targetType: "template", targetId: "t1" },
      { action: "sending.pause", at: at(5), actorType: "system" },
      { action: "recipient.unsubscribe_all", at: at(6), actorType: "recipient", targetType: "recipient", targetId: "r1" },
    ]);
    const ids = (...n: number[]) => n.map((i) => rows[i]?.id);
    expect((await readAllPages(org.apiKey, "?limit=1&action=template.publish")).flat()).toEqual(ids(2, 1, 0));
    expect((await readAllPages(org.apiKey, "?limit=2&targetType=template&targetId=t1")).flat()).toEqual(ids(3, 2, 0));
    expect((await readAllPages(org.apiKey, "?action=template.publish&targetId=t1")).flat()).toEqual(ids(2, 0));
    expect((await readAllPages(org.apiKey, "?actorType=system")).flat()).toEqual(ids(4));
    expect((await readAllPages(org.apiKey, "?actorType=recipient&targetType=recipient")).flat()).toEqual(ids(5));
    expect((await readAllPages(org.apiKey, "?action=no.such.action")).flat()).toEqual([]);
  });

  it("shows a change made through the API with its actor, target, via and details", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const put = await call("PUT", "/v1/layouts/branding", { key: editor, body: { source: '{% layout "base" %}{% block header %}House{% endblock %}' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const res = await read(await org.keyFor("viewer"));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      entries: [
        {
          id: expect.any(String),
          at: expect.any(String),
          actor: { type: "api_key", id: await apiKeyId(editor) },
          action: "layout.update",
          target: { type: "layout", id: "branding" },
          via: "api",
          details: { key: "branding", version: 1 },
        },
      ],
      nextCursor: null,
    });
    expect(Date.now() - Date.parse(res.body.entries[0]?.at ?? "")).toBeLessThan(60_000);
  });

  it("never shows another organisation's entries, not even when given that organisation's cursor", async () => {
    const mine = await createOrganization("Mine");
    const theirs = await createOrganization("Theirs");
    const at = (s: number) => `2026-05-01T00:00:0${s}.000000Z`;
    const own = await storeNamed(
      mine.organizationId,
      [1, 3, 5].map((s) => ({ action: "mine", at: at(s) })),
    );
    await storeAuditRows(
      theirs.organizationId,
      [2, 4, 6].map((s) => ({ action: "theirs", at: at(s) })),
    );

    expect((await readAllPages(mine.apiKey, "?limit=2")).flat()).toEqual(newestFirst(own));
    const theirFirstPage = await read(theirs.apiKey, "?limit=1");
    const withTheirCursor = await read(mine.apiKey, `?cursor=${theirFirstPage.body.nextCursor}`);
    expect(withTheirCursor.status).toBe(200);
    expect(withTheirCursor.body.entries.map((e) => e.action)).toEqual(["mine", "mine", "mine"]);
  });

  it("lets viewer, editor and admin keys read, refuses an ingest key with 403 and no key with 401", async () => {
    const org = await createOrganization();
    for (const role of ["viewer", "editor", "admin"] as const) expect((await read(await org.keyFor(role))).status, role).toBe(200);
    const ingest = await read(await org.keyFor("ingest"));
    expect(ingest.status).toBe(403);
    expect(ingest.body.error.code).toBe("FORBIDDEN");
    expect((await call("GET", "/v1/audit-log")).status).toBe(401);
  });

  const cursorOf = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  describe.each([
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=ten", "limit"],
    ["limit=2.5", "limit"],
    ["actorType=robot", "actorType"],
    ["action=", "action"],
    ["targetId=", "targetId"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${cursorOf({ at: "2026-01-01T00:00:00.000000Z" })}`, "cursor"],
    [`cursor=${cursorOf({ at: "2026-02-31T00:00:00.000000Z", id: crypto.randomUUID() })}`, "cursor"],
    [`cursor=${cursorOf({ at: "2026-01-01T00:00:00Z", id: crypto.randomUUID() })}`, "cursor"],
  ])("?%s", (query, field) => {
    it(`answers 400 naming ${field}`, async () => {
      const org = await createOrganization();
      const res = await read(org.apiKey, `?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("BAD_REQUEST");
      expect(res.body.error.fields?.map((f) => f.path)).toEqual([field]);
    });
  });
});
