import { and, desc, eq } from "drizzle-orm";
import type { Caller } from "../context";
import { recordApiChange } from "../platform/audit/record";
import { type ApiKeyRole, forgetApiKey, generateApiKey, keyState, sha256Hex } from "../platform/auth/api-key";
import type { Database } from "../platform/db/client";
import type { FieldError } from "../platform/errors";
import { apiKeys } from "../platform/db/schema";
import { type BaseError, err, ok, type Result } from "../platform/result";

/** Everything about a key but its hash, which never leaves the database. */
const listed = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  replacedBy: apiKeys.replacedBy,
};
export type ApiKeyEntry = {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  replacedBy: string | null;
};

/** A key just made: its entry, and the key itself, which exists only in this answer. */
export type NewApiKey = { entry: ApiKeyEntry; key: string };

export type RotateError = BaseError<"NOT_FOUND" | "NOT_ACTIVE" | "ALREADY_REPLACED">;
export type RevokeError = BaseError<"NOT_FOUND" | "LAST_ADMIN_KEY">;

const refusal = <C extends string>(code: C, message: string): BaseError<C> => ({ code, message, retry: false });

export const listApiKeys = (db: Database, organizationId: string): Promise<ApiKeyEntry[]> =>
  db.select(listed).from(apiKeys).where(eq(apiKeys.organizationId, organizationId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));

async function insertKey(tx: Pick<Database, "insert">, organizationId: string, input: { name: string; role: ApiKeyRole; expiresAt: Date | null }): Promise<NewApiKey> {
  const { key, prefix } = generateApiKey();
  const [entry] = await tx
    .insert(apiKeys)
    .values({ organizationId, name: input.name, prefix, keyHash: await sha256Hex(key), role: input.role, expiresAt: input.expiresAt })
    .returning(listed);
  if (!entry) throw new Error("INSERT … RETURNING gave no row");
  return { entry, key };
}

/** Keys are the organisation's front door: only admin keys see or change them, through the API or the dashboard. */
export const KEY_MANAGERS: readonly ApiKeyRole[] = ["admin"];

/** A new key's expiry: none, or in the future (a key born expired would only confuse). */
export const checkExpiry = (expiresAt: Date | null, now: Date): Result<Date | null, FieldError> =>
  expiresAt && expiresAt <= now ? err({ path: "expiresAt", message: "must be in the future" }) : ok(expiresAt);

/** A new key of the caller's organisation, and its audit row, in one transaction. */
export const createApiKey = (db: Database, caller: Caller, input: { name: string; role: ApiKeyRole; expiresAt: Date | null }): Promise<NewApiKey> =>
  db.transaction(async (tx) => {
    const made = await insertKey(tx, caller.organizationId, input);
    const { name, role, prefix, expiresAt } = made.entry;
    await recordApiChange(tx, caller, {
      action: "api_key.create",
      targetType: "api_key",
      targetId: made.entry.id,
      details: { name, role, prefix, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return made;
  });

/**
 * Replaces a working key with a new one of the same name and role. The new key works at once; the
 * old one keeps working until `now + graceSeconds` (never longer than it would have anyway), so
 * clients can be moved over without an outage. A key is rotated once: rotate its replacement next.
 */
export const rotateApiKey = (
  db: Database,
  caller: Caller,
  id: string,
  graceSeconds: number,
  now: Date,
): Promise<Result<{ created: NewApiKey; replaced: ApiKeyEntry }, RotateError>> =>
  afterCommit(
    id,
    db.transaction(async (tx) => {
      // The row lock makes two rotations of one key at once give one replacement, not two.
      const [old] = await tx
        .select(listed)
        .from(apiKeys)
        .where(and(eq(apiKeys.id, id), eq(apiKeys.organizationId, caller.organizationId)))
        .for("update");
      if (!old) return err(refusal("NOT_FOUND", "No such API key in your organisation."));
      const state = keyState(old, now);
      if (state !== "active") return err(refusal("NOT_ACTIVE", `This key is ${state}: there is nothing to rotate. Create a new key instead.`));
      if (old.replacedBy) return err(refusal("ALREADY_REPLACED", `This key was already rotated; its replacement is ${old.replacedBy}. Rotate that one instead.`));
      const created = await insertKey(tx, caller.organizationId, { name: old.name, role: old.role, expiresAt: null });
      const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
      const expiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
      const [replaced] = await tx.update(apiKeys).set({ expiresAt, replacedBy: created.entry.id, updatedAt: now }).where(eq(apiKeys.id, old.id)).returning(listed);
      if (!replaced) throw new Error("UPDATE … RETURNING gave no row");
      await recordApiChange(tx, caller, {
        action: "api_key.rotate",
        targetType: "api_key",
        targetId: old.id,
        details: { name: old.name, role: old.role, replacedBy: created.entry.id, newPrefix: created.entry.prefix, graceSeconds, expiresAt: expiresAt.toISOString() },
      });
      return ok({ created, replaced });
    }),
  );

/**
 * Once a revocation or rotation has committed, this isolate stops trusting its look-up of the key
 * (other isolates within API_KEY_CACHE_SECONDS). Not before the commit: a request in between would
 * look the key up again and keep the old row.
 */
async function afterCommit<R extends { ok: boolean }>(apiKeyId: string, done: Promise<R>): Promise<R> {
  const result = await done;
  if (result.ok) forgetApiKey(apiKeyId);
  return result;
}

/** Whether another admin key will still work once this one is gone: unrevoked, unexpired, and not on its way out after a rotation. */
const keepsAdmin = (others: ApiKeyEntry[], now: Date) => others.some((k) => k.role === "admin" && keyState(k, now) === "active" && k.replacedBy === null);

/**
 * Revokes a key; revoking it again changes nothing (`changed: false`) and writes no audit row.
 * The organisation's last working admin key is refused: without it nobody could manage keys through
 * the API, and only an operator with database access (the `tidings` CLI) could let them back in.
 */
export const revokeApiKey = (db: Database, caller: Caller, id: string, now: Date): Promise<Result<{ entry: ApiKeyEntry; changed: boolean }, RevokeError>> =>
  afterCommit(
    id,
    db.transaction(async (tx) => {
      // Every key of the organisation is locked, so two admins revoking each other's keys at once
      // cannot both pass the last-admin check.
      const keys = await tx.select(listed).from(apiKeys).where(eq(apiKeys.organizationId, caller.organizationId)).for("update");
      const target = keys.find((k) => k.id === id);
      if (!target) return err(refusal("NOT_FOUND", "No such API key in your organisation."));
      if (target.revokedAt) return ok({ entry: target, changed: false });
      const others = keys.filter((k) => k.id !== id);
      if (target.role === "admin" && keyState(target, now) === "active" && !keepsAdmin(others, now)) {
        return err(refusal("LAST_ADMIN_KEY", "This is the organisation's last working admin key. Create or rotate to another admin key first, then revoke this one."));
      }
      const [entry] = await tx.update(apiKeys).set({ revokedAt: now, updatedAt: now }).where(eq(apiKeys.id, id)).returning(listed);
      if (!entry) throw new Error("UPDATE … RETURNING gave no row");
      await recordApiChange(tx, caller, {
        action: "api_key.revoke",
        targetType: "api_key",
        targetId: id,
        details: { name: target.name, role: target.role, prefix: target.prefix, self: id === caller.apiKeyId },
      });
      return ok({ entry, changed: true });
    }),
  );
