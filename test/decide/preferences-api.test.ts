import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { PreferenceDefaultsView } from "../../src/decide/routes/preference-defaults/schema";
import type { RecipientPreferencesView } from "../../src/decide/routes/preferences/schema";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { createRecipient } from "../fixtures/preferences";
import { withServices } from "../fixtures/services";

type ErrorBody = { error: { code: string; fields?: { path: string; message: string }[] } };

async function setup() {
  const org = await createOrganization();
  const r = await createRecipient(org.organizationId);
  const path = `/v1/recipients/${r.externalId}/preferences`;
  const get = (key = org.apiKey) => call<RecipientPreferencesView>("GET", path, { key });
  const put = (body: unknown, key = org.apiKey) => call<RecipientPreferencesView & ErrorBody>("PUT", path, { key, body });
  const putDefaults = (body: unknown, key = org.apiKey) => call<PreferenceDefaultsView & ErrorBody>("PUT", "/v1/preference-defaults", { key, body });
  return { org, r, get, put, putDefaults };
}

const category = (view: RecipientPreferencesView, name: string) => view.categories.find((c) => c.category === name);

/** What PostgreSQL holds for the recipient, read behind the API: the column and the audit rows. */
async function stored(recipientId: string) {
  return withServices(async ({ db }) => {
    const row = await db.execute<{ text_only: boolean }>(sql`SELECT text_only FROM recipients WHERE id = ${recipientId}::uuid`);
    const audit = await db.execute<{ actor_type: string; action: string; via: string; details: Record<string, unknown> }>(
      sql`SELECT actor_type, action, via, details FROM audit_log WHERE target_id = ${recipientId} ORDER BY created_at`,
    );
    return { textOnly: row.rows[0]?.text_only, audit: audit.rows };
  });
}

describe("GET/PUT /v1/recipients/:id/preferences", () => {
  it("shows every category of the organisation with Tidings' defaults before anyone chose anything", async () => {
    const { r, get } = await setup();
    const res = await get();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ recipientId: r.externalId, unsubscribedAll: false });
    expect(res.body.categories.map((c) => [c.category, c.enabled, c.delivery, c.critical, c.choice])).toEqual([
      ["comments", true, "immediate", false, null],
      ["security", true, "immediate", true, null],
    ]);
  });

  it("merges partial updates: a later change keeps the settings an earlier one made", async () => {
    const { put } = await setup();
    await put({ categories: { comments: { delivery: "digest", digest: { kind: "weekly", hour: 8, weekday: 1 } } } });
    const res = await put({ categories: { comments: { enabled: false } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(category(res.body, "comments")).toMatchObject({
      enabled: false,
      delivery: "digest",
      digest: { kind: "weekly", hour: 8, weekday: 1 },
      source: { enabled: "recipient", delivery: "recipient", digest: "recipient" },
      choice: { enabled: false, delivery: "digest" },
    });
  });

  it("clears a choice given as null, so the organisation's default applies again", async () => {
    const { put, putDefaults } = await setup();
    await putDefaults({ categories: { comments: { delivery: "digest" } } });
    await put({ categories: { comments: { delivery: "immediate" } } });
    const res = await put({ categories: { comments: { delivery: null } } });
    expect(category(res.body, "comments")).toMatchObject({ delivery: "digest", source: { delivery: "organization" } });
  });

  it("records and lifts the unsubscribe from all non-critical mail", async () => {
    const { put } = await setup();
    expect((await put({ unsubscribedAll: true })).body.unsubscribedAll).toBe(true);
    expect((await put({ unsubscribedAll: false })).body.unsubscribedAll).toBe(false);
  });

  it("records plain-text-only when it is the only setting given, shows it, and keeps it through a later category change", async () => {
    const { r, get, put } = await setup();
    expect((await get()).body.textOnly).toBe(false);
    const res = await put({ textOnly: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ textOnly: true, unsubscribedAll: false });
    expect((await get()).body.textOnly).toBe(true);
    const later = await put({ categories: { comments: { enabled: false } } });
    expect(later.body).toMatchObject({ textOnly: true });
    expect(await stored(r.id)).toMatchObject({ textOnly: true });
    expect((await put({ textOnly: false })).body.textOnly).toBe(false);
  });

  it("audits a change as the API key's, with what the request asked for", async () => {
    const { r, put } = await setup();
    expect((await put({ textOnly: true })).status).toBe(200);
    expect((await stored(r.id)).audit).toEqual([{ actor_type: "api_key", action: "recipient.preferences_update", via: "api", details: { textOnly: true } }]);
  });

  it.each([
    ["a string", { textOnly: "yes" }],
    ["null", { textOnly: null }],
  ])("refuses textOnly given as %s with 400 and the field, and changes nothing", async (_label, body) => {
    const { r, get, put } = await setup();
    const res = await put(body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.fields?.map((f) => f.path)).toEqual(["textOnly"]);
    expect((await get()).body.textOnly).toBe(false);
    expect(await stored(r.id)).toEqual({ textOnly: false, audit: [] });
  });

  it("refuses to change a category the organisation locked, with 409 and the field", async () => {
    const { put, putDefaults } = await setup();
    await putDefaults({ categories: { comments: { locked: true } } });
    const res = await put({ categories: { comments: { enabled: false } } });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.fields).toEqual([{ path: "categories.comments", message: "locked by the organisation" }]);
  });

  it("refuses a category no event type uses with 422, and a malformed schedule with 400", async () => {
    const { put } = await setup();
    const unknown = await put({ categories: { invoices: { enabled: false } } });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(422);
    const malformed = await put({ categories: { comments: { digest: { kind: "daily", hour: 24 } } } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields?.[0]?.path).toMatch(/^categories\.comments\.digest/);
  });

  it("answers 404 for an unknown recipient and for another organisation's recipient", async () => {
    const { put, get } = await setup();
    const other = await createOrganization("Other");
    expect((await get(other.apiKey)).status).toBe(404);
    expect((await put({ unsubscribedAll: true }, other.apiKey)).status).toBe(404);
    expect((await call("GET", "/v1/recipients/nobody/preferences", { key: other.apiKey })).status).toBe(404);
  });

  it("lets a viewer key read but not change preferences", async () => {
    const { org, get, put } = await setup();
    const viewer = await org.keyFor("viewer");
    expect((await get(viewer)).status).toBe(200);
    expect((await put({ unsubscribedAll: true }, viewer)).status).toBe(403);
  });
});

describe("GET/PUT /v1/preference-defaults", () => {
  it("changes only the given settings, locks a category, and removes a default given as null", async () => {
    const { org, putDefaults, get } = await setup();
    const first = await putDefaults({ categories: { comments: { delivery: "digest", digest: { kind: "window", minutes: 15, burst: true } } } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await putDefaults({ categories: { comments: { locked: true } } });
    expect(second.body.categories.find((c) => c.category === "comments")).toEqual({
      category: "comments",
      enabled: true,
      delivery: "digest",
      digest: { kind: "window", minutes: 15, maxItems: 50, burst: true },
      locked: true,
      configured: true,
    });
    expect(category((await get()).body, "comments")).toMatchObject({ delivery: "digest", locked: true, source: { delivery: "organization" } });
    const removed = await putDefaults({ categories: { comments: null } });
    expect(removed.body.categories.find((c) => c.category === "comments")).toMatchObject({ configured: false, delivery: "immediate", locked: false });
    const viewer = await org.keyFor("viewer");
    expect((await call("GET", "/v1/preference-defaults", { key: viewer })).status).toBe(200);
  });

  it("lets an editor change defaults but not a viewer", async () => {
    const { org, putDefaults } = await setup();
    expect((await putDefaults({ categories: { comments: { enabled: false } } }, await org.keyFor("editor"))).status).toBe(200);
    expect((await putDefaults({ categories: { comments: { enabled: true } } }, await org.keyFor("viewer"))).status).toBe(403);
  });
});

describe("OpenAPI document", () => {
  it("describes the preference routes and the digest schedule's shape", async () => {
    const res = await call<{ paths: Record<string, Record<string, unknown>> }>("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths["/v1/recipients/{id}/preferences"] ?? {}).sort()).toEqual(["get", "put"]);
    expect(Object.keys(res.body.paths["/v1/preference-defaults"] ?? {}).sort()).toEqual(["get", "put"]);
    expect(JSON.stringify(res.body)).toContain('"weekday"');
  });
});
