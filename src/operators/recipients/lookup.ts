import { and, eq, inArray } from "drizzle-orm";
import { sha256Hex } from "../../platform/auth/api-key";
import { hashesUnderEvery } from "../../platform/crypto/email-hash";
import { suppressions } from "../../platform/db/schema";
import type { Services } from "../../services";

/**
 * What an erased recipient's external id becomes. A plain hash, not a keyed one: it must still be
 * found after the address-hash key rotates, and it hides only the organisation's own id for the
 * person, never an address. The prefix keeps it out of the way of ids organisations send.
 */
export const erasedExternalId = async (organizationId: string, externalId: string): Promise<string> => `erased:${await sha256Hex(`${organizationId}\u0000${externalId}`)}`;

/** The suppression entry of an address, found by its keyed hash under every live key; undefined without a hash key or an entry. */
export async function findSuppression(services: Pick<Services, "db" | "keys">, organizationId: string, email: string) {
  const keys = await services.keys.emailHashes();
  if (!keys || !email) return undefined;
  const hashes = (await hashesUnderEvery(keys, email)).map((h) => h.hash);
  const [row] = await services.db
    .select()
    .from(suppressions)
    .where(and(eq(suppressions.organizationId, organizationId), inArray(suppressions.emailHash, hashes)))
    .limit(1);
  return row;
}

const regexSpecial = /[\\^$.|?*+()[\]{}]/g;

/** A case-insensitive PostgreSQL regular expression matching any of the texts literally; undefined when none is usable. */
export function scrubPattern(texts: (string | null)[]): string | undefined {
  const usable = texts.filter((t): t is string => typeof t === "string" && t.trim().length >= 2);
  if (usable.length === 0) return undefined;
  return usable.map((t) => t.replace(regexSpecial, "\\$&")).join("|");
}
