import { and, asc, eq } from "drizzle-orm";
import { seal } from "../../platform/crypto/sealed-box";
import type { Database } from "../../platform/db/client";
import { providerConfigs, senderDomains } from "../../platform/db/schema";
import { err, ok, type Result } from "../../platform/result";
import { environmentProviderIds } from "../../providers/defaults";
import type { Services } from "../../services";
import { StoredCheck } from "./check";
import { generateDkimKeyPair, newSelector } from "./key-pair";
import { isProviderKind, type ProviderKind } from "./records";

export type SenderDomainRow = typeof senderDomains.$inferSelect;

export type CreateDomainError = "duplicate" | "no_sealing_key";

/** Without the sealed private key: nothing above the store needs it, so nothing can leak it. */
export type SenderDomain = Omit<SenderDomainRow, "dkimPrivateKey" | "lastCheck"> & { lastCheck: StoredCheck | null };

const columns = {
  id: senderDomains.id,
  organizationId: senderDomains.organizationId,
  domain: senderDomains.domain,
  dkimSelector: senderDomains.dkimSelector,
  dkimPublicKey: senderDomains.dkimPublicKey,
  status: senderDomains.status,
  verifiedAt: senderDomains.verifiedAt,
  lastCheckedAt: senderDomains.lastCheckedAt,
  lastCheck: senderDomains.lastCheck,
  createdAt: senderDomains.createdAt,
  updatedAt: senderDomains.updatedAt,
};

type Selected = Omit<SenderDomain, "lastCheck"> & { lastCheck: unknown };

/** A stored check that no longer reads as one (written by an older version) is shown as none rather than failing the read. */
const withCheck = (row: Selected): SenderDomain => ({ ...row, lastCheck: StoredCheck.safeParse(row.lastCheck).data ?? null });

const owned = (organizationId: string, id: string) => and(eq(senderDomains.organizationId, organizationId), eq(senderDomains.id, id));

export async function listSenderDomains(db: Database, organizationId: string): Promise<SenderDomain[]> {
  const rows = await db.select(columns).from(senderDomains).where(eq(senderDomains.organizationId, organizationId)).orderBy(asc(senderDomains.domain));
  return rows.map(withCheck);
}

export async function findSenderDomain(db: Database, organizationId: string, id: string): Promise<SenderDomain | undefined> {
  const [row] = await db.select(columns).from(senderDomains).where(owned(organizationId, id));
  return row && withCheck(row);
}

/**
 * A new key pair for the domain, its private half sealed like provider credentials. Duplicates
 * are looked for before the key is made (RSA generation is the slow part), and the unique index
 * settles a race between two creations.
 */
export async function createSenderDomain(services: Services, organizationId: string, domain: string): Promise<Result<SenderDomain, CreateDomainError>> {
  const { db } = services;
  const exists = await db
    .select({ id: senderDomains.id })
    .from(senderDomains)
    .where(and(eq(senderDomains.organizationId, organizationId), eq(senderDomains.domain, domain)));
  if (exists.length > 0) return err("duplicate");
  const keys = await services.keys.sealing();
  if (!keys) return err("no_sealing_key");
  const pair = await generateDkimKeyPair();
  const [row] = await db
    .insert(senderDomains)
    .values({ organizationId, domain, dkimSelector: newSelector(), dkimPrivateKey: await seal(keys, pair.privateKeyPem), dkimPublicKey: pair.publicKey })
    .onConflictDoNothing()
    .returning(columns);
  return row ? ok(withCheck(row)) : err("duplicate");
}

export async function deleteSenderDomain(db: Database, organizationId: string, id: string): Promise<SenderDomain | undefined> {
  const [row] = await db.delete(senderDomains).where(owned(organizationId, id)).returning(columns);
  return row && withCheck(row);
}

export type CheckOutcome = { status: SenderDomainRow["status"]; verifiedAt: Date | null; check: StoredCheck };

export async function saveCheck(db: Database, organizationId: string, id: string, outcome: CheckOutcome): Promise<SenderDomain | undefined> {
  const checkedAt = new Date(outcome.check.checkedAt);
  const [row] = await db
    .update(senderDomains)
    .set({ status: outcome.status, verifiedAt: outcome.verifiedAt, lastCheckedAt: checkedAt, lastCheck: outcome.check, updatedAt: checkedAt })
    .where(owned(organizationId, id))
    .returning(columns);
  return row && withCheck(row);
}

/** The providers the organisation's mail goes through: its own enabled configurations, else the environment's. */
export async function providersInUse({ db, env }: Services, organizationId: string): Promise<ProviderKind[]> {
  const rows = await db
    .select({ provider: providerConfigs.provider })
    .from(providerConfigs)
    .where(and(eq(providerConfigs.organizationId, organizationId), eq(providerConfigs.enabled, true)))
    .orderBy(asc(providerConfigs.position));
  const ids = rows.length > 0 ? rows.map((r) => r.provider) : environmentProviderIds(env);
  return ids.filter(isProviderKind);
}
