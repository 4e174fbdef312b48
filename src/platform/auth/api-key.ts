import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { type apiKeyRoles, apiKeys } from "../db/schema";
import { err, ok, type Result } from "../result";

export type ApiKeyRole = (typeof apiKeyRoles)[number];

export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keys look like `tid_<8 hex prefix>_<secret>`; the prefix lets people tell keys apart in lists. */
export function generateApiKey(): { key: string; prefix: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
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

export async function verifyApiKey(db: Database, key: string, now: Date): Promise<Result<VerifiedKey, KeyRefusal>> {
  const keyHash = await sha256Hex(key);
  const [row] = await db
    .select({ apiKeyId: apiKeys.id, organizationId: apiKeys.organizationId, role: apiKeys.role, revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  if (!row) return err("unknown_key");
  const state = keyState(row, now);
  if (state !== "active") return err(state === "revoked" ? "revoked_key" : "expired_key");
  return ok({ apiKeyId: row.apiKeyId, organizationId: row.organizationId, role: row.role });
}
