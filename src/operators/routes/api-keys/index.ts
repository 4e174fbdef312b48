import { createRoute, type z } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { keyState } from "../../../platform/auth/api-key";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { type ApiKeyEntry, checkExpiry, createApiKey, KEY_MANAGERS, listApiKeys, type NewApiKey, revokeApiKey, rotateApiKey } from "../../api-key-store";
import { ApiKeyList, ApiKeyParams, ApiKeyView, CreateApiKeyBody, CreatedApiKey, DEFAULT_GRACE_SECONDS, RotateApiKeyBody, RotatedApiKey } from "./schema";

const admins = requireApiKey({ roles: KEY_MANAGERS });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const list = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags: ["api keys"],
  summary: "The organisation's API keys, without the keys themselves",
  description:
    "Admin keys only. Each key with its id, name, prefix, role, status (`active`, `expired`, `revoked`), expiry and the key that replaced it; never the key or its hash.",
  security: [{ bearer: [] }],
  middleware: [admins] as const,
  responses: { 200: json(ApiKeyList, "Keys, newest first"), ...errorResponses(401, 403) },
});
const create = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags: ["api keys"],
  summary: "Create a key; the answer is the only time the key is shown",
  description:
    "Admin keys only. `role` is `ingest`, `viewer`, `editor` or `admin`; `expiresAt`, when given, must be in the future (after it the key answers 401 KEY_EXPIRED). Audited as `api_key.create`.",
  security: [{ bearer: [] }],
  middleware: [admins] as const,
  request: { body: { content: { "application/json": { schema: CreateApiKeyBody } }, required: true } },
  responses: { 201: json(CreatedApiKey, "Created"), ...errorResponses(400, 401, 403) },
});
const rotate = createRoute({
  method: "post",
  path: "/v1/api-keys/{id}/rotate",
  operationId: "rotateApiKey",
  tags: ["api keys"],
  summary: "Replace a key with a new one of the same name and role; the old one works for a grace period",
  description: "The new key works at once. The old key keeps working for `graceSeconds` (default 24 hours, at most 7 days, 0 ends it now), then answers 401 KEY_EXPIRED.",
  security: [{ bearer: [] }],
  middleware: [admins] as const,
  request: { params: ApiKeyParams, body: { content: { "application/json": { schema: RotateApiKeyBody } }, required: false } },
  responses: { 201: json(RotatedApiKey, "The new key, and the old one as it now is"), ...errorResponses(400, 401, 403, 404, 409) },
});
const revoke = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags: ["api keys"],
  summary: "Revoke a key at once (again: no change); the organisation's last working admin key is refused",
  description:
    "The key answers 401 KEY_REVOKED from the next request, and its dashboard sessions end. A key may revoke itself while another admin key works. Revoking the last admin key that is neither revoked, expired nor replaced by a rotation is a 409.",
  security: [{ bearer: [] }],
  middleware: [admins] as const,
  request: { params: ApiKeyParams },
  responses: { 200: json(ApiKeyView, "Revoked (or already revoked)"), ...errorResponses(400, 401, 403, 404, 409) },
});

const view = (k: ApiKeyEntry, now: Date): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  status: keyState(k, now),
  createdAt: k.createdAt.toISOString(),
  expiresAt: k.expiresAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  replacedBy: k.replacedBy,
});
const created = (made: NewApiKey, now: Date): CreatedApiKey => ({ ...view(made.entry, now), key: made.key });

export const registerApiKeyRoutes = (app: App) => {
  app.openapi(list, async (c) => {
    const now = c.get("services").clock.now();
    const keys = await listApiKeys(c.get("services").db, c.get("caller").organizationId);
    return c.json({ keys: keys.map((k) => view(k, now)) }, 200);
  });

  app.openapi(create, async (c) => {
    const { db, clock } = c.get("services");
    const body = c.req.valid("json");
    const now = clock.now();
    const expiresAt = checkExpiry(body.expiresAt === undefined ? null : new Date(body.expiresAt), now);
    if (!expiresAt.ok) throw new ApiError("BAD_REQUEST", "The request is not valid; see fields.", [expiresAt.error]);
    const made = await createApiKey(db, c.get("caller"), { name: body.name, role: body.role, expiresAt: expiresAt.value });
    return c.json(created(made, now), 201);
  });

  app.openapi(rotate, async (c) => {
    const { db, clock } = c.get("services");
    const { id } = c.req.valid("param");
    const now = clock.now();
    // Without a JSON body the validator hands over `{}`, so the default is applied here, not by zod.
    const graceSeconds = c.req.valid("json").graceSeconds ?? DEFAULT_GRACE_SECONDS;
    const rotated = await rotateApiKey(db, c.get("caller"), id, graceSeconds, now);
    if (!rotated.ok) throw new ApiError(rotated.error.code === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", rotated.error.message);
    return c.json({ ...created(rotated.value.created, now), replaced: view(rotated.value.replaced, now) }, 201);
  });

  app.openapi(revoke, async (c) => {
    const { db, clock } = c.get("services");
    const { id } = c.req.valid("param");
    const now = clock.now();
    const revoked = await revokeApiKey(db, c.get("caller"), id, now);
    if (!revoked.ok) throw new ApiError(revoked.error.code === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", revoked.error.message);
    return c.json(view(revoked.value.entry, now), 200);
  });
};
