import { and, eq, isNull } from "drizzle-orm";
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

export async function verifyApiKey(db: Database, key: string): Promise<Result<VerifiedKey, "unknown_key">> {
  const keyHash = await sha256Hex(key);
  const [row] = await db
    .select({ apiKeyId: apiKeys.id, organizationId: apiKeys.organizationId, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row ? ok(row) : err("unknown_key");
}
