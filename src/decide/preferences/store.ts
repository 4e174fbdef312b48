import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../platform/db/client";
import { preferenceDefaults, preferences, recipients } from "../../platform/db/schema";
import { type DeliveryMode, DigestSchedule, type OrganizationDefault, type RecipientChoice, type ResolvedPreferences } from "./model";
import { categoryUses } from "./category-uses";
import { resolvePreferences } from "./resolve";

/** A PUT's changes for one category: absent leaves a setting alone, null clears the recipient's choice. */
export type ChoicePatch = { enabled?: boolean | null; delivery?: DeliveryMode | null; digest?: DigestSchedule | null };
export type DefaultPatch = Partial<Omit<OrganizationDefault, "category">>;
/** A PUT's changes to the recipient's own row; absent leaves a setting alone. */
export type RecipientPatch = { unsubscribedAll?: boolean; textOnly?: boolean };

/** PostgreSQL's view of several recipients' preferences (the source of truth behind the cache), in three queries. */
export async function loadPreferencesFromDb(db: Database, recipientIds: string[]): Promise<Map<string, ResolvedPreferences>> {
  const resolved = new Map<string, ResolvedPreferences>();
  if (recipientIds.length === 0) return resolved;
  const people = await db
    .select({ id: recipients.id, organizationId: recipients.organizationId, unsubscribedAt: recipients.unsubscribedAt })
    .from(recipients)
    .where(inArray(recipients.id, recipientIds));
  const organizationIds = [...new Set(people.map((p) => p.organizationId))];
  const [choiceRows, defaultRows] = await Promise.all([
    db.select().from(preferences).where(inArray(preferences.recipientId, recipientIds)),
    organizationIds.length ? db.select().from(preferenceDefaults).where(inArray(preferenceDefaults.organizationId, organizationIds)) : [],
  ]);
  for (const person of people) {
    resolved.set(
      person.id,
      resolvePreferences({
        unsubscribedAll: person.unsubscribedAt !== null,
        defaults: defaultRows.filter((d) => d.organizationId === person.organizationId).map(toDefault),
        choices: choiceRows.filter((c) => c.recipientId === person.id).map(toChoice),
      }),
    );
  }
  return resolved;
}

export async function findRecipient(db: Database, organizationId: string, externalId: string) {
  const [row] = await db
    .select({ id: recipients.id, externalId: recipients.externalId, unsubscribedAt: recipients.unsubscribedAt, textOnly: recipients.textOnly })
    .from(recipients)
    .where(and(eq(recipients.organizationId, organizationId), eq(recipients.externalId, externalId)))
    .limit(1);
  return row;
}

export async function listChoices(db: Database, recipientId: string): Promise<RecipientChoice[]> {
  return (await db.select().from(preferences).where(eq(preferences.recipientId, recipientId))).map(toChoice);
}

export async function listDefaults(db: Database, organizationId: string): Promise<OrganizationDefault[]> {
  return (await db.select().from(preferenceDefaults).where(eq(preferenceDefaults.organizationId, organizationId))).map(toDefault);
}

/** The categories an organisation uses: those of its event types and rules, and those it set defaults for. */
export async function listCategories(db: Database, organizationId: string): Promise<string[]> {
  const rows = await db.execute<{ category: string }>(sql`
    SELECT category FROM ${categoryUses(organizationId)}
    UNION SELECT category FROM preference_defaults WHERE organization_id = ${organizationId}::uuid
    ORDER BY 1`);
  return rows.rows.map((r) => r.category);
}

/** Categories whose event types and rules are all critical: preferences would never apply to them. */
export async function listCriticalCategories(db: Database, organizationId: string): Promise<Set<string>> {
  const rows = await db.execute<{ category: string }>(sql`SELECT category FROM ${categoryUses(organizationId)} GROUP BY category HAVING bool_and(critical)`);
  return new Set(rows.rows.map((r) => r.category));
}

/**
 * Merges each category's patch into the stored choice in one statement per category, so two
 * concurrent partial updates of different settings both land.
 */
export async function mergeRecipientChoices(
  db: Database,
  organizationId: string,
  recipientId: string,
  patches: Record<string, ChoicePatch>,
  recipient: RecipientPatch = {},
): Promise<void> {
  const { unsubscribedAll, textOnly } = recipient;
  await db.transaction(async (tx) => {
    for (const [category, patch] of Object.entries(patches)) {
      const set = (key: keyof ChoicePatch, column: string) =>
        key in patch ? sql`excluded.${sql.identifier(column)}` : sql`${sql.identifier("preferences")}.${sql.identifier(column)}`;
      await tx.execute(sql`
        INSERT INTO preferences (id, organization_id, recipient_id, category, enabled, delivery, digest)
        VALUES (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${recipientId}::uuid, ${category},
                ${patch.enabled ?? null}::boolean, ${patch.delivery ?? null}, ${patch.digest ? JSON.stringify(patch.digest) : null}::jsonb)
        ON CONFLICT (recipient_id, category) DO UPDATE
           SET enabled = ${set("enabled", "enabled")}, delivery = ${set("delivery", "delivery")}, digest = ${set("digest", "digest")}, updated_at = now()`);
    }
    if (unsubscribedAll !== undefined || textOnly !== undefined) {
      await tx
        .update(recipients)
        .set({
          ...(unsubscribedAll !== undefined ? { unsubscribedAt: unsubscribedAll ? sql`coalesce(${recipients.unsubscribedAt}, now())` : null } : {}),
          ...(textOnly !== undefined ? { textOnly } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(recipients.id, recipientId));
    }
  });
}

/** Same merge for an organisation's defaults; a `null` patch removes the category's default. */
export async function mergeDefaults(db: Database, organizationId: string, patches: Record<string, DefaultPatch | null>): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [category, patch] of Object.entries(patches)) {
      if (patch === null) {
        await tx.delete(preferenceDefaults).where(and(eq(preferenceDefaults.organizationId, organizationId), eq(preferenceDefaults.category, category)));
        continue;
      }
      const set = (key: keyof DefaultPatch) => (key in patch ? sql`excluded.${sql.identifier(key)}` : sql`${sql.identifier("preference_defaults")}.${sql.identifier(key)}`);
      await tx.execute(sql`
        INSERT INTO preference_defaults (id, organization_id, category, enabled, delivery, digest, locked)
        VALUES (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${category}, ${patch.enabled ?? true}::boolean,
                ${patch.delivery ?? "immediate"}, ${patch.digest ? JSON.stringify(patch.digest) : null}::jsonb, ${patch.locked ?? false}::boolean)
        ON CONFLICT (organization_id, category) DO UPDATE
           SET enabled = ${set("enabled")}, delivery = ${set("delivery")}, digest = ${set("digest")}, locked = ${set("locked")}, updated_at = now()`);
    }
  });
}

/** Stored JSON is parsed again on the way out: a schedule written by an older release must still be valid. */
const schedule = (raw: unknown) => {
  const parsed = DigestSchedule.safeParse(raw);
  return parsed.success ? parsed.data : null;
};

function toChoice(row: typeof preferences.$inferSelect): RecipientChoice {
  return { category: row.category, enabled: row.enabled, delivery: row.delivery, digest: schedule(row.digest) };
}

function toDefault(row: typeof preferenceDefaults.$inferSelect): OrganizationDefault {
  return { category: row.category, enabled: row.enabled, delivery: row.delivery, digest: schedule(row.digest), locked: row.locked };
}
