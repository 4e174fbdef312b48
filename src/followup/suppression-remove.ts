import { z } from "zod";
import type { Caller } from "../context";
import { recordApiChange } from "../platform/audit/record";
import type { ApiKeyRole } from "../platform/auth/api-key";
import type { EmailHashKeys } from "../platform/crypto/email-hash";
import type { Database } from "../platform/db/client";
import type { FieldError } from "../platform/errors";
import { err, ok, type Result } from "../platform/result";
import { removeSuppression, type SuppressionEntry } from "./suppression-store";

/** An address as the API's suppression routes take it. */
export const SuppressionAddress = z.email().max(320);

/** Who may read the list and who may change it, through the API and the dashboard alike. */
export const SUPPRESSION_READERS: readonly ApiKeyRole[] = ["viewer", "editor", "admin"];
export const SUPPRESSION_EDITORS: readonly ApiKeyRole[] = ["editor", "admin"];
/** Only these may force the removal of a hard bounce or complaint. */
export const SUPPRESSION_FORCERS: readonly ApiKeyRole[] = ["admin"];

export type RemoveRefusal = { code: "FORBIDDEN" | "NOT_FOUND" | "CONFLICT"; message: string; fields?: FieldError[] };

/**
 * Removes an address from the list with the API's rules and writes its audit row. Deliverability:
 * mailing an address that hard-bounced or complained again is what gets a sending domain
 * throttled or blocklisted, and mailbox providers judge the whole organisation by it. So it takes
 * an admin's deliberate `force`, not an editor's routine clean-up.
 */
export async function removeAudited(db: Database, keys: EmailHashKeys, caller: Caller, email: string, force: boolean): Promise<Result<SuppressionEntry, RemoveRefusal>> {
  if (force && !SUPPRESSION_FORCERS.includes(caller.role)) return err({ code: "FORBIDDEN", message: "Only an admin key may force the removal of a hard bounce or complaint." });
  const removed = await removeSuppression(db, keys, caller.organizationId, email, force);
  if (removed.ok) {
    const details = { reason: removed.value.reason, forced: force };
    await recordApiChange(db, caller, { action: "suppression.remove", targetType: "suppression", targetId: removed.value.emailHash, details });
    return ok(removed.value);
  }
  if (removed.error.code === "NOT_FOUND") return err({ code: "NOT_FOUND", message: "This address is not suppressed." });
  return err({
    code: "CONFLICT",
    message: `This address is suppressed for a ${removed.error.reason.replace("_", " ")}; only an admin key with ?force=true may remove it.`,
    fields: [{ path: "force", message: "required to remove a hard bounce or complaint" }],
  });
}
