import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { organizations, recipients } from "../platform/db/schema";
import type { EffectiveCategory } from "../decide/preferences/model";
import { resolveCategory } from "../decide/preferences/resolve";
import { categoryUses } from "../decide/preferences/category-uses";
import { listChoices, listDefaults } from "../decide/preferences/store";
import type { RecipientClaims } from "./token";
import { type PageBranding, parsePageBranding } from "./branding";

export type PageSubject = {
  organization: { id: string; name: string; branding: PageBranding };
  recipient: { id: string; locale: string | null; unsubscribedAt: Date | null; textOnly: boolean };
};

/** The organisation and recipient a verified token names; undefined once the recipient is deleted. */
export async function loadPageSubject(db: Database, claims: RecipientClaims): Promise<PageSubject | undefined> {
  const [row] = await db
    .select({ name: organizations.name, branding: organizations.branding, locale: recipients.locale, unsubscribedAt: recipients.unsubscribedAt, textOnly: recipients.textOnly })
    .from(recipients)
    .innerJoin(organizations, eq(organizations.id, recipients.organizationId))
    .where(and(eq(recipients.id, claims.recipientId), eq(recipients.organizationId, claims.organizationId)))
    .limit(1);
  if (!row) return undefined;
  return {
    organization: { id: claims.organizationId, name: row.name, branding: parsePageBranding(row.branding) },
    recipient: { id: claims.recipientId, locale: row.locale, unsubscribedAt: row.unsubscribedAt, textOnly: row.textOnly },
  };
}

export type PageCategory = EffectiveCategory & { category: string };

/**
 * The categories the page offers: those of the organisation's non-critical event types and rules
 * (a category whose every use is critical is always sent, so there is nothing to choose), each with
 * the recipient's effective settings as the Decide step resolves them.
 */
export async function loadPageCategories(db: Database, organizationId: string, recipientId: string): Promise<PageCategory[]> {
  const [rows, defaults, choices] = await Promise.all([
    db.execute<{ category: string }>(sql`SELECT DISTINCT category FROM ${categoryUses(organizationId)} WHERE NOT critical ORDER BY category`).then((r) => r.rows),
    listDefaults(db, organizationId),
    listChoices(db, recipientId),
  ]);
  return rows.map(({ category }) => ({
    category,
    ...resolveCategory(
      defaults.find((d) => d.category === category),
      choices.find((c) => c.category === category),
    ),
  }));
}

/** Whether the organisation locked a category: the recipient's own choice for it is then ignored. */
export async function isCategoryLocked(db: Database, organizationId: string, category: string): Promise<boolean> {
  return (await listDefaults(db, organizationId)).some((d) => d.category === category && d.locked);
}
