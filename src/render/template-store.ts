import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { templates, templateVersions } from "../platform/db/schema";
import type { TemplateContent, TemplateView } from "./template-schema";

type VersionRow = typeof templateVersions.$inferSelect;
type TemplateRow = typeof templates.$inferSelect;

export const versionView = (v: VersionRow, publishedVersion: number | null) => ({
  version: v.version,
  subject: v.subject,
  html: v.html,
  text: v.text,
  defaultLocale: v.defaultLocale,
  locales: v.locales,
  requiredVariables: v.requiredVariables,
  sampleData: v.sampleData,
  createdAt: v.createdAt.toISOString(),
  publishedAt: v.publishedAt?.toISOString() ?? null,
  published: v.version === publishedVersion,
});

export async function findTemplate(db: Database, organizationId: string, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.id, id), eq(templates.organizationId, organizationId)));
  return row;
}

export async function findVersion(db: Database, templateId: string, version?: number): Promise<VersionRow | undefined> {
  const query = db
    .select()
    .from(templateVersions)
    .where(version === undefined ? eq(templateVersions.templateId, templateId) : and(eq(templateVersions.templateId, templateId), eq(templateVersions.version, version)));
  const [row] = await query.orderBy(desc(templateVersions.version)).limit(1);
  return row;
}

/** The organisation's templates by key, with their published and latest version numbers. */
export async function listTemplates(db: Database, organizationId: string): Promise<TemplateView[]> {
  const rows = await db.select().from(templates).where(eq(templates.organizationId, organizationId)).orderBy(asc(templates.key));
  return Promise.all(rows.map((r) => templateView(db, r, false)));
}

export async function templateView(db: Database, row: TemplateRow, withVersions: boolean): Promise<TemplateView> {
  const versions = await db.select().from(templateVersions).where(eq(templateVersions.templateId, row.id)).orderBy(asc(templateVersions.version));
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    publishedVersion: row.publishedVersion,
    latestVersion: versions.at(-1)?.version ?? 0,
    ...(withVersions ? { versions: versions.map((v) => versionView(v, row.publishedVersion)) } : {}),
  };
}

/**
 * Editing never changes a version: it appends a draft with the next number. The number comes from
 * the row lock on the template, so two editors at once get two versions, not a unique violation.
 */
export async function appendDraft(db: Database, template: TemplateRow, content: TemplateContent): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1 FROM templates WHERE id = ${template.id} FOR UPDATE`);
    const [last] = await tx
      .select({ version: templateVersions.version })
      .from(templateVersions)
      .where(eq(templateVersions.templateId, template.id))
      .orderBy(desc(templateVersions.version))
      .limit(1);
    const version = (last?.version ?? 0) + 1;
    await tx.insert(templateVersions).values({ organizationId: template.organizationId, templateId: template.id, version, ...content, text: content.text ?? null });
    await tx.update(templates).set({ updatedAt: new Date() }).where(eq(templates.id, template.id));
    return version;
  });
}
