import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { type apiKeyRoles, apiKeys } from "../db/schema";
import { toHex } from "../crypto/bytes";
import { err, ok, type Result } from "../result";

export type ApiKeyRole = (typeof apiKeyRoles)[number];

export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input));
  return toHex(new Uint8Array(digest));
}

/**
 * Up to 1,000 keys presented to this isolate and their SHA-256, first in first out: every API
 * request hashes its key (for the limits and the look-up) and a client sends the same key again
 * and again. A hash never goes stale, so this needs no TTL. Only strings shaped like a key Tidings
 * issues are kept, so made-up "keys" (any length a header allows) cannot fill the isolate's memory.
 */
const presentedHashes = new Map<string, string>();
const MAX_PRESENTED = 1_000;
const KEY_SHAPE = /^tid_[0-9a-f]{8}_[0-9a-f]{56}$/;

export async function apiKeyHash(key: string): Promise<string> {
  const known = presentedHashes.get(key);
  if (known !== undefined) return known;
  const hash = await sha256Hex(key);
  if (!KEY_SHAPE.test(key)) return hash;
  if (presentedHashes.size >= MAX_PRESENTED) presentedHashes.delete(presentedHashes.keys().next().value ?? "");
  presentedHashes.set(key, hash);
  return hash;
}

/** Keys look like `tid_<8 hex prefix>_<secret>`; the prefix lets people tell keys apart in lists. */
export function generateApiKey(): { key: string; prefix: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const hex = toHex(bytes);
  const prefix = hex.slice(0, 8);
  return { key: `tid_${prefix}_${hex.slice(8)}`, prefix };
}

export type VerifiedKey = { apiKeyId: string; organizationId: string; role: ApiKeyRole };

/** Why a key was refused: the caller holding a revoked or expired key is told which, so they know to ask for a new one. */
export type KeyRefusal = "unknown_key" | "revoked_key" | "expired_key";

/** Whether a stored key still works at `now`: revocation wins over expiry, as it is the deliberate act. */
export function keyState(key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): "active" | "revoked" | "expired" {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

type StoredKey = { apiKeyId: string; organizationId: string; role: ApiKeyRole; revokedAt: Date | null; expiresAt: Date | null };

async function findKey(db: Database, keyHash: string): Promise<StoredKey | undefined> {
  const [row] = await db
    .select({ apiKeyId: apiKeys.id, organizationId: apiKeys.organizationId, role: apiKeys.role, revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return row;
}

/** A stored key (or none) judged at `now`: expiry is judged on every use, cached or not. */
function judge(row: StoredKey | undefined, now: Date): Result<VerifiedKey, KeyRefusal> {
  if (!row) return err("unknown_key");
  const state = keyState(row, now);
  if (state !== "active") return err(state === "revoked" ? "revoked_key" : "expired_key");
  return ok({ apiKeyId: row.apiKeyId, organizationId: row.organizationId, role: row.role });
}

/** `keyHash`: the key's SHA-256 when the caller has it already (keyGate computed it for the limits). */
export async function verifyApiKey(db: Database, key: string, now: Date, keyHash?: string): Promise<Result<VerifiedKey, KeyRefusal>> {
  return judge(await findKey(db, keyHash ?? (await apiKeyHash(key))), now);
}

/**
 * Keys looked up in this isolate, by hash, with when the look-up goes stale. Every API request
 * starts with this look-up; kept for a few seconds it is one database round trip fewer per
 * request, refused ones included. Unknown keys are kept too (a new key's hash has never been
 * presented before it exists). A revocation or rotation made here is seen at once (`forgetApiKey`);
 * one made in another isolate, or by the CLI, within `ttlSeconds`.
 */
const looked = new Map<string, { row: StoredKey | undefined; staleAt: number }>();
const MAX_LOOKED = 10_000;

export async function verifyApiKeyCached(db: Database, key: string, now: Date, ttlSeconds: number, knownHash?: string): Promise<Result<VerifiedKey, KeyRefusal>> {
  if (ttlSeconds <= 0) return verifyApiKey(db, key, now, knownHash);
  const keyHash = knownHash ?? (await apiKeyHash(key));
  const hit = looked.get(keyHash);
  if (hit && hit.staleAt > now.getTime()) return judge(hit.row, now);
  const row = await findKey(db, keyHash);
  // Oldest first out: a Map iterates in insertion order.
  if (looked.size >= MAX_LOOKED) looked.delete(looked.keys().next().value ?? "");
  looked.delete(keyHash);
  looked.set(keyHash, { row, staleAt: now.getTime() + ttlSeconds * 1000 });
  return judge(row, now);
}

/** Drops a key from this isolate's look-ups once it was revoked or rotated here. */
export function forgetApiKey(apiKeyId: string): void {
  for (const [hash, entry] of looked) if (entry.row?.apiKeyId === apiKeyId) looked.delete(hash);
}
