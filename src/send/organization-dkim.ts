import { and, inArray, isNotNull } from "drizzle-orm";
import { unseal } from "../platform/crypto/sealed-box";
import { organizations } from "../platform/db/schema";
import type { Services } from "../services";
import type { DkimConfig } from "../providers/shared/dkim";

/** The DKIM keys of the organisations in a batch, opened; one query, none for those without a key. */
export async function loadDkimKeys(services: Services, organizationIds: string[]): Promise<Map<string, DkimConfig>> {
  const keys = new Map<string, DkimConfig>();
  if (organizationIds.length === 0) return keys;
  const rows = await services.db
    .select({ id: organizations.id, domain: organizations.sendingDomain, selector: organizations.dkimSelector, sealed: organizations.dkimPrivateKey })
    .from(organizations)
    .where(and(inArray(organizations.id, organizationIds), isNotNull(organizations.dkimPrivateKey)));
  if (rows.length === 0) return keys;
  const sealing = await services.keys.sealing();
  for (const row of rows) {
    if (!sealing || !row.domain || !row.selector || !row.sealed) continue;
    const opened = await unseal(sealing, row.sealed);
    if (opened.ok) keys.set(row.id, { domain: row.domain, selector: row.selector, privateKeyPem: opened.value });
    else services.log.error("DKIM key cannot be opened; sending unsigned", { organizationId: row.id, reason: opened.error });
  }
  return keys;
}
