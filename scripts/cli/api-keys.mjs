import { createHash, randomUUID } from "node:crypto";
import { newApiKey } from "../lib/seed.mjs";
import { recordAudit } from "./database.mjs";

/** As src/platform/db/schema/api-keys.ts. */
export const API_KEY_ROLES = /** @type {const} */ (["ingest", "viewer", "editor", "admin"]);
/** @typedef {(typeof API_KEY_ROLES)[number]} ApiKeyRole */

/**
 * A key as the admin API lists it (GET /v1/api-keys): never its hash.
 * @typedef {object} ApiKeyRow
 * @property {string} id
 * @property {string} organization_id
 * @property {string} name
 * @property {string} prefix
 * @property {ApiKeyRole} role
 * @property {Date} created_at
 * @property {Date | null} expires_at
 * @property {Date | null} revoked_at
 * @property {string | null} replaced_by
 */
const COLUMNS = "id, organization_id, name, prefix, role, created_at, expires_at, revoked_at, replaced_by";

/**
 * Whether a key works at `now`, by the rule the Worker applies (src/platform/auth/api-key.ts keyState).
 * @param {ApiKeyRow} key @param {Date} now
 * @returns {"active" | "revoked" | "expired"}
 */
export function keyStatus(key, now) {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && key.expires_at.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** The JSON shape of a key, the admin API's (ApiKeyView). @param {ApiKeyRow} key @param {Date} now */
export const keyView = (key, now) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  role: key.role,
  status: keyStatus(key, now),
  createdAt: key.created_at.toISOString(),
  expiresAt: key.expires_at?.toISOString() ?? null,
  revokedAt: key.revoked_at?.toISOString() ?? null,
  replacedBy: key.replaced_by,
});

/**
 * Inserts a new key and its `api_key.create` audit row; the caller holds the transaction. The key
 * has the Worker's format (`tid_<prefix>_<secret>`) and only its SHA-256 is stored.
 * @param {import("pg").Client} client
 * @param {{ organizationId: string, name: string, role: ApiKeyRole, expiresAt: Date | null }} input
 * @returns {Promise<{ row: ApiKeyRow, key: string }>}
 */
export async function insertApiKey(client, input) {
  const key = newApiKey();
  const prefix = key.split("_")[1] ?? "";
  const hash = createHash("sha256").update(key).digest("hex");
  /** @type {import("pg").QueryResult<ApiKeyRow>} */
  const { rows } = await client.query(
    `INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, role, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [randomUUID(), input.organizationId, input.name, prefix, hash, input.role, input.expiresAt],
  );
  const row = rows[0];
  if (!row) throw new Error("INSERT … RETURNING gave no row");
  await recordAudit(client, {
    organizationId: input.organizationId,
    action: "api_key.create",
    targetType: "api_key",
    targetId: row.id,
    details: { name: row.name, role: row.role, prefix, expiresAt: row.expires_at?.toISOString() ?? null },
  });
  return { row, key };
}

/**
 * @param {import("pg").Client} client @param {string} organizationId
 * @returns {Promise<ApiKeyRow[]>}
 */
export async function listApiKeys(client, organizationId) {
  const { rows } = await client.query(`SELECT ${COLUMNS} FROM api_keys WHERE organization_id = $1 ORDER BY created_at DESC, id DESC`, [organizationId]);
  return rows;
}

/**
 * The key and every key of its organisation, locked until the transaction ends, so the last-admin
 * check cannot race a revocation through the API.
 * @param {import("pg").Client} client @param {string} id
 * @returns {Promise<{ target: ApiKeyRow, others: ApiKeyRow[] } | undefined>}
 */
export async function lockKeyAndSiblings(client, id) {
  const { rows } = await client.query(
    `SELECT ${COLUMNS} FROM api_keys WHERE organization_id = (SELECT organization_id FROM api_keys WHERE id = $1) ORDER BY created_at FOR UPDATE`,
    [id],
  );
  /** @type {ApiKeyRow[]} */
  const keys = rows;
  const target = keys.find((k) => k.id === id);
  return target ? { target, others: keys.filter((k) => k.id !== id) } : undefined;
}

/**
 * Whether revoking `target` would leave the organisation without a working admin key: the rule of
 * DELETE /v1/api-keys/:id (keys replaced by a rotation are on their way out and do not count).
 * @param {ApiKeyRow} target @param {ApiKeyRow[]} others @param {Date} now
 */
export const isLastAdminKey = (target, others, now) =>
  target.role === "admin" && keyStatus(target, now) === "active" && !others.some((k) => k.role === "admin" && keyStatus(k, now) === "active" && k.replaced_by === null);

/**
 * @param {import("pg").Client} client @param {ApiKeyRow} target @param {Date} now @param {boolean} forced
 * @returns {Promise<ApiKeyRow>}
 */
export async function revokeApiKey(client, target, now, forced) {
  const { rows } = await client.query(`UPDATE api_keys SET revoked_at = $2, updated_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [target.id, now]);
  const row = rows[0];
  if (!row) throw new Error("UPDATE … RETURNING gave no row");
  await recordAudit(client, {
    organizationId: target.organization_id,
    action: "api_key.revoke",
    targetType: "api_key",
    targetId: target.id,
    details: { name: target.name, role: target.role, prefix: target.prefix, forced },
  });
  return row;
}
