import { describe, expect, it } from "vitest";
import type { ApiKeyList, ApiKeyView, CreatedApiKey, RotatedApiKey } from "../../src/operators/routes/api-keys/schema";
import { sha256Hex } from "../../src/platform/auth/api-key";
import type { ErrorBody } from "../../src/platform/errors";
import { setKeyExpiry, storedKey } from "../fixtures/api-keys";
import { apiKeyId, auditRows, auditText } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";

const KEY_FORMAT = /^tid_[0-9a-f]{8}_[0-9a-f]{56}$/;

/** Whether a key gets past authentication: any role may read a notification, so an unknown one is a 404, not a 401. */
const knock = (key: string) => call<ErrorBody>("GET", `/v1/notifications/${crypto.randomUUID()}`, { key });

const createKey = async (adminKey: string, body: Record<string, unknown>) => {
  const res = await call<CreatedApiKey>("POST", "/v1/api-keys", { key: adminKey, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

const secondsFromNow = (iso: string | null) => (iso ? (Date.parse(iso) - Date.now()) / 1000 : Number.NaN);

describe("GET /v1/api-keys", () => {
  it("lists the organisation's keys, newest first, with prefix, role and state, and never a key or its hash", async () => {
    const org = await createOrganization();
    const viewer = await org.keyFor("viewer");
    const other = await createOrganization("Other");
    const res = await call<ApiKeyList>("GET", "/v1/api-keys", { key: org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.keys.map((k) => [k.id, k.name, k.role, k.status, k.prefix, k.expiresAt, k.revokedAt, k.replacedBy])).toEqual([
      [await apiKeyId(viewer), "viewer key", "viewer", "active", viewer.split("_")[1], null, null, null],
      [await apiKeyId(org.apiKey), "admin key", "admin", "active", org.apiKey.split("_")[1], null, null, null],
    ]);
    const text = JSON.stringify(res.body);
    const stored = await storedKey(await apiKeyId(viewer));
    for (const secret of [viewer, org.apiKey, stored.keyHash]) expect(text).not.toContain(secret);
    expect(text).not.toContain(await apiKeyId(other.apiKey));
  });
});

describe("POST /v1/api-keys", () => {
  it("answers the new key once, in the key format; it works at once and only its hash is stored", async () => {
    const org = await createOrganization();
    const made = await createKey(org.apiKey, { name: "billing service", role: "viewer" });
    expect(made).toMatchObject({ name: "billing service", role: "viewer", status: "active", expiresAt: null, revokedAt: null, replacedBy: null });
    expect(made.key).toMatch(KEY_FORMAT);
    expect(made.prefix).toBe(made.key.split("_")[1]);
    expect((await knock(made.key)).status).toBe(404);
    expect((await storedKey(made.id)).keyHash).toBe(await sha256Hex(made.key));
    const listed = await call<ApiKeyList>("GET", "/v1/api-keys", { key: org.apiKey });
    expect(JSON.stringify(listed.body)).not.toContain(made.key);
  });

  it("writes an api_key.create audit row naming the key but holding no secret", async () => {
    const org = await createOrganization();
    const made = await createKey(org.apiKey, { name: "ci", role: "ingest", expiresAt: "2099-01-01T00:00:00+02:00" });
    expect(made.expiresAt).toBe("2098-12-31T22:00:00.000Z");
    const rows = await auditRows(org.organizationId);
    expect(rows.map(({ actorType, actorId, action, targetType, targetId, via, details }) => ({ actorType, actorId, action, targetType, targetId, via, details }))).toEqual([
      {
        actorType: "api_key",
        actorId: await apiKeyId(org.apiKey),
        action: "api_key.create",
        targetType: "api_key",
        targetId: made.id,
        via: "api",
        details: { name: "ci", role: "ingest", prefix: made.prefix, expiresAt: "2098-12-31T22:00:00.000Z" },
      },
    ]);
    const text = await auditText(org.organizationId);
    expect(text).not.toContain(made.key);
    expect(text).not.toContain((await storedKey(made.id)).keyHash);
  });

  describe.each([
    ["no name", { role: "viewer" }, "name"],
    ["a blank name", { name: "   ", role: "viewer" }, "name"],
    ["an unknown role", { name: "x", role: "owner" }, "role"],
    ["an expiry that is not a date-time", { name: "x", role: "viewer", expiresAt: "tomorrow" }, "expiresAt"],
    ["an expiry in the past", { name: "x", role: "viewer", expiresAt: "2020-01-01T00:00:00Z" }, "expiresAt"],
  ])("with %s", (_case, body, field) => {
    it(`answers 400 naming ${field}, and creates and audits nothing`, async () => {
      const org = await createOrganization();
      const res = await call<ErrorBody>("POST", "/v1/api-keys", { key: org.apiKey, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("BAD_REQUEST");
      expect(res.body.error.fields?.map((f) => f.path)).toEqual([field]);
      expect((await call<ApiKeyList>("GET", "/v1/api-keys", { key: org.apiKey })).body.keys).toHaveLength(1);
      expect(await auditRows(org.organizationId)).toEqual([]);
    });
  });
});

describe("POST /v1/api-keys/:id/rotate", () => {
  it("makes a new key of the same name and role that works at once, while the old one works through its grace", async () => {
    const org = await createOrganization();
    const old = await createKey(org.apiKey, { name: "worker", role: "ingest" });
    const res = await call<RotatedApiKey>("POST", `/v1/api-keys/${old.id}/rotate`, { key: org.apiKey, body: { graceSeconds: 3600 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: "worker", role: "ingest", status: "active", expiresAt: null, replacedBy: null });
    expect(res.body.key).toMatch(KEY_FORMAT);
    expect(res.body.id).not.toBe(old.id);
    expect(res.body.replaced).toMatchObject({ id: old.id, status: "active", replacedBy: res.body.id, revokedAt: null });
    expect(secondsFromNow(res.body.replaced.expiresAt)).toBeGreaterThan(3500);
    expect(secondsFromNow(res.body.replaced.expiresAt)).toBeLessThanOrEqual(3600);
    expect((await knock(res.body.key)).status).toBe(404);
    expect((await knock(old.key)).status).toBe(404);

    const rows = await auditRows(org.organizationId);
    expect(rows.map((r) => [r.action, r.targetId, r.actorId])).toEqual([
      ["api_key.create", old.id, await apiKeyId(org.apiKey)],
      ["api_key.rotate", old.id, await apiKeyId(org.apiKey)],
    ]);
    expect(rows[1]?.details).toMatchObject({ replacedBy: res.body.id, newPrefix: res.body.prefix, graceSeconds: 3600, expiresAt: res.body.replaced.expiresAt });
  });

  it("refuses the old key with 401 KEY_EXPIRED once its grace is over, and at once with a grace of 0", async () => {
    const org = await createOrganization();
    const first = await createKey(org.apiKey, { name: "a", role: "viewer" });
    const now = await call<RotatedApiKey>("POST", `/v1/api-keys/${first.id}/rotate`, { key: org.apiKey, body: { graceSeconds: 0 } });
    expect(now.status, JSON.stringify(now.body)).toBe(201);
    expect(now.body.replaced.status).toBe("expired");
    const refused = await knock(first.key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("KEY_EXPIRED");
    expect(refused.headers.get("tidings-error-code")).toBe("KEY_EXPIRED");
    expect((await knock(now.body.key)).status).toBe(404);

    const second = await createKey(org.apiKey, { name: "b", role: "viewer" });
    const later = await call<RotatedApiKey>("POST", `/v1/api-keys/${second.id}/rotate`, { key: org.apiKey, body: { graceSeconds: 600 } });
    expect((await knock(second.key)).status).toBe(404);
    await setKeyExpiry(second.key, new Date(Date.now() - 1000));
    expect((await knock(second.key)).body.error.code).toBe("KEY_EXPIRED");
    expect((await knock(later.body.key)).status).toBe(404);
    const listed = await call<ApiKeyList>("GET", "/v1/api-keys", { key: org.apiKey });
    expect(listed.body.keys.find((k) => k.id === second.id)).toMatchObject({ status: "expired", replacedBy: later.body.id });
  });

  it("gives the old key 24 hours when no body is sent, and never more than it had left", async () => {
    const org = await createOrganization();
    const plain = await createKey(org.apiKey, { name: "plain", role: "viewer" });
    const res = await call<RotatedApiKey>("POST", `/v1/api-keys/${plain.id}/rotate`, { key: org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(secondsFromNow(res.body.replaced.expiresAt)).toBeGreaterThan(86_300);
    expect(secondsFromNow(res.body.replaced.expiresAt)).toBeLessThanOrEqual(86_400);

    const soon = new Date(Date.now() + 60_000).toISOString();
    const short = await createKey(org.apiKey, { name: "short", role: "viewer", expiresAt: soon });
    const kept = await call<RotatedApiKey>("POST", `/v1/api-keys/${short.id}/rotate`, { key: org.apiKey, body: { graceSeconds: 7200 } });
    expect(kept.body.replaced.expiresAt).toBe(soon);
  });

  describe.each([
    ["a grace over 7 days", { graceSeconds: 604_801 }],
    ["a negative grace", { graceSeconds: -1 }],
    ["a fractional grace", { graceSeconds: 1.5 }],
    ["a grace as text", { graceSeconds: "3600" }],
  ])("with %s", (_case, body) => {
    it("answers 400 naming graceSeconds, and rotates nothing", async () => {
      const org = await createOrganization();
      const key = await createKey(org.apiKey, { name: "k", role: "viewer" });
      const res = await call<ErrorBody>("POST", `/v1/api-keys/${key.id}/rotate`, { key: org.apiKey, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.fields?.map((f) => f.path)).toEqual(["graceSeconds"]);
      expect((await call<ApiKeyList>("GET", "/v1/api-keys", { key: org.apiKey })).body.keys).toHaveLength(2);
      expect((await auditRows(org.organizationId)).map((r) => r.action)).toEqual(["api_key.create"]);
    });
  });

  it("refuses with 409 to rotate a key twice, or a revoked or expired one, and with 404 another organisation's", async () => {
    const org = await createOrganization();
    const twice = await createKey(org.apiKey, { name: "twice", role: "viewer" });
    expect((await call("POST", `/v1/api-keys/${twice.id}/rotate`, { key: org.apiKey })).status).toBe(201);
    const again = await call<ErrorBody>("POST", `/v1/api-keys/${twice.id}/rotate`, { key: org.apiKey });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already rotated/);

    const revoked = await createKey(org.apiKey, { name: "gone", role: "viewer" });
    expect((await call("DELETE", `/v1/api-keys/${revoked.id}`, { key: org.apiKey })).status).toBe(200);
    expect((await call("POST", `/v1/api-keys/${revoked.id}/rotate`, { key: org.apiKey })).status).toBe(409);
    const expired = await createKey(org.apiKey, { name: "old", role: "viewer" });
    await setKeyExpiry(expired.key, new Date(Date.now() - 1000));
    expect((await call("POST", `/v1/api-keys/${expired.id}/rotate`, { key: org.apiKey })).status).toBe(409);

    const other = await createOrganization("Other");
    const theirs = await apiKeyId(other.apiKey);
    expect((await call("POST", `/v1/api-keys/${theirs}/rotate`, { key: org.apiKey })).status).toBe(404);
    expect((await knock(other.apiKey)).status).toBe(404);
    expect(await auditRows(other.organizationId)).toEqual([]);
  });
});

describe("DELETE /v1/api-keys/:id", () => {
  it("revokes a key: it answers 401 KEY_REVOKED at once, while an unknown key stays UNAUTHORIZED", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const id = await apiKeyId(editor);
    const res = await call<ApiKeyView>("DELETE", `/v1/api-keys/${id}`, { key: org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id, status: "revoked" });
    expect(res.body.revokedAt).not.toBeNull();
    const refused = await knock(editor);
    expect([refused.status, refused.body.error.code, refused.headers.get("tidings-error-code")]).toEqual([401, "KEY_REVOKED", "KEY_REVOKED"]);
    const unknown = await knock(`tid_00000000_${"0".repeat(56)}`);
    expect([unknown.status, unknown.body.error.code]).toEqual([401, "UNAUTHORIZED"]);
  });

  it("is idempotent: revoking again answers the same key and writes no second audit row", async () => {
    const org = await createOrganization();
    const id = await apiKeyId(await org.keyFor("viewer"));
    const first = await call<ApiKeyView>("DELETE", `/v1/api-keys/${id}`, { key: org.apiKey });
    const second = await call<ApiKeyView>("DELETE", `/v1/api-keys/${id}`, { key: org.apiKey });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const rows = await auditRows(org.organizationId);
    expect(rows.map((r) => [r.action, r.targetId, r.details])).toEqual([["api_key.revoke", id, { name: "viewer key", role: "viewer", prefix: first.body.prefix, self: false }]]);
  });

  it("refuses with 409 to revoke the organisation's last working admin key, counting neither expired nor rotated-out admin keys", async () => {
    const org = await createOrganization();
    const selfId = await apiKeyId(org.apiKey);
    const alone = await call<ErrorBody>("DELETE", `/v1/api-keys/${selfId}`, { key: org.apiKey });
    expect(alone.status).toBe(409);
    expect(alone.body.error.code).toBe("CONFLICT");
    expect(alone.body.error.message).toMatch(/last working admin key/);

    const expiredAdmin = await createKey(org.apiKey, { name: "expired admin", role: "admin" });
    await setKeyExpiry(expiredAdmin.key, new Date(Date.now() - 1000));
    expect((await call("DELETE", `/v1/api-keys/${selfId}`, { key: org.apiKey })).status).toBe(409);

    // A rotation's old key is on its way out: it does not keep the organisation reachable.
    const rotated = await call<RotatedApiKey>("POST", `/v1/api-keys/${selfId}/rotate`, { key: org.apiKey, body: { graceSeconds: 3600 } });
    expect((await call("DELETE", `/v1/api-keys/${rotated.body.id}`, { key: org.apiKey })).status).toBe(409);
    expect((await knock(rotated.body.key)).status).toBe(404);
    expect((await auditRows(org.organizationId)).map((r) => r.action)).toEqual(["api_key.create", "api_key.rotate"]);
  });

  it("lets an admin key revoke itself while another admin key works, after which it answers 401 KEY_REVOKED", async () => {
    const org = await createOrganization();
    const second = await createKey(org.apiKey, { name: "second admin", role: "admin" });
    const selfId = await apiKeyId(org.apiKey);
    const res = await call<ApiKeyView>("DELETE", `/v1/api-keys/${selfId}`, { key: org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await call<ErrorBody>("GET", "/v1/api-keys", { key: org.apiKey })).body.error.code).toBe("KEY_REVOKED");
    expect((await call("GET", "/v1/api-keys", { key: second.key })).status).toBe(200);
    const revoke = (await auditRows(org.organizationId)).at(-1);
    expect([revoke?.action, revoke?.actorId, revoke?.details.self]).toEqual(["api_key.revoke", selfId, true]);
  });

  it("answers 404 for an unknown key or another organisation's, and 400 for an id that is no uuid", async () => {
    const org = await createOrganization();
    const other = await createOrganization("Other");
    expect((await call("DELETE", `/v1/api-keys/${crypto.randomUUID()}`, { key: org.apiKey })).status).toBe(404);
    expect((await call("DELETE", `/v1/api-keys/${await apiKeyId(other.apiKey)}`, { key: org.apiKey })).status).toBe(404);
    expect((await knock(other.apiKey)).status).toBe(404);
    const bad = await call<ErrorBody>("DELETE", "/v1/api-keys/not-a-uuid", { key: org.apiKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path)).toEqual(["id"]);
  });
});

describe("the key routes", () => {
  const someId = crypto.randomUUID();
  describe.each(["ingest", "viewer", "editor"] as const)("with a %s key", (role) => {
    it.each([
      ["GET", "/v1/api-keys", undefined],
      ["POST", "/v1/api-keys", { name: "x", role: "admin" }],
      ["POST", `/v1/api-keys/${someId}/rotate`, {}],
      ["DELETE", `/v1/api-keys/${someId}`, undefined],
    ])("refuse %s %s with 403 and change nothing", async (method, path, body) => {
      const org = await createOrganization();
      const res = await call<ErrorBody>(method, path, { key: await org.keyFor(role), ...(body ? { body } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
      expect((await call<ApiKeyList>("GET", "/v1/api-keys", { key: org.apiKey })).body.keys).toHaveLength(2);
      expect(await auditRows(org.organizationId)).toEqual([]);
    });
  });

  it("are in the OpenAPI document with their operation ids, an example request body, and the 401 envelope", async () => {
    const doc = await call<{
      paths: Record<string, Record<string, { operationId?: string; requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { example?: unknown }> };
    }>("GET", "/openapi.json");
    const ops = doc.body.paths;
    expect([
      ops["/v1/api-keys"]?.get?.operationId,
      ops["/v1/api-keys"]?.post?.operationId,
      ops["/v1/api-keys/{id}/rotate"]?.post?.operationId,
      ops["/v1/api-keys/{id}"]?.delete?.operationId,
    ]).toEqual(["listApiKeys", "createApiKey", "rotateApiKey", "revokeApiKey"]);
    expect(doc.body.components.schemas.CreateApiKeyBody?.example).toMatchObject({ name: expect.any(String), role: expect.any(String) });
    expect(doc.body.components.schemas.RotateApiKeyBody?.example).toEqual({ graceSeconds: 3600 });
    expect(Object.keys(ops["/v1/api-keys/{id}"]?.delete?.responses ?? {})).toEqual(expect.arrayContaining(["200", "401", "403", "404", "409"]));
    expect(JSON.stringify(doc.body.components.schemas.ApiKey)).not.toMatch(/hash/i);
  });
});
