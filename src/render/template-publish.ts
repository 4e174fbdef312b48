import { eq } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { templates, templateVersions } from "../platform/db/schema";
import { err, ok, type Result } from "../platform/result";
import { type Branding, loadBranding } from "./branding";
import { findTemplate, findVersion } from "./template-store";
import type { ValidationIssue } from "./types";
import { validateTemplate } from "./validate-template";

type VersionRow = typeof templateVersions.$inferSelect;
type TemplateRow = typeof templates.$inferSelect;

/** A validation issue of one locale variant: `en.html:2:14` in the API's fields, a line in the dashboard. */
export type LocatedIssue = ValidationIssue & { locale: string };

export type PublishRefusal = { code: "not_found" } | { code: "invalid"; locale: string; issues: LocatedIssue[] };

export type Published = { template: TemplateRow; version: number; previousVersion: number | null; rollback: boolean };

/** `en.html:2:14`, the field path the API's 422 names an issue by. */
export const issuePath = (i: LocatedIssue) => `${i.locale}.${i.part}${i.line ? `:${i.line}:${i.column ?? 0}` : ""}`;

/**
 * The checks publishing runs, in every locale variant: a broken translation would fail only for some
 * recipients. Returns the first failing locale's issues.
 */
export async function checkVersion(branding: Branding, version: VersionRow): Promise<Result<void, { locale: string; issues: LocatedIssue[] }>> {
  const variants = [{ locale: version.defaultLocale, ...version }, ...Object.entries(version.locales).map(([locale, l]) => ({ locale, ...l }))];
  for (const variant of variants) {
    const checked = await validateTemplate({
      subject: variant.subject,
      html: variant.html,
      text: variant.text ?? null,
      layout: branding.layout,
      branding: branding.values,
      sampleData: version.sampleData,
      requiredVariables: version.requiredVariables,
      locale: variant.locale,
    });
    if (!checked.ok) return err({ locale: variant.locale, issues: checked.error.map((i) => ({ ...i, locale: variant.locale })) });
  }
  return ok(undefined);
}

/**
 * Validates version `v` and makes it the one new notifications render with. Publishing an older
 * version than the one in use is the rollback; the result says so for the audit entry.
 */
export async function publishVersion(db: Database, organizationId: string, templateId: string, v: number): Promise<Result<Published, PublishRefusal>> {
  const template = await findTemplate(db, organizationId, templateId);
  const version = template ? await findVersion(db, template.id, v) : undefined;
  if (!template || !version) return err({ code: "not_found" });
  const checked = await checkVersion(await loadBranding(db, organizationId), version);
  if (!checked.ok) return err({ code: "invalid", ...checked.error });
  await db.update(templateVersions).set({ publishedAt: new Date() }).where(eq(templateVersions.id, version.id));
  await db.update(templates).set({ publishedVersion: v, updatedAt: new Date() }).where(eq(templates.id, template.id));
  const previousVersion = template.publishedVersion;
  return ok({ template: { ...template, publishedVersion: v }, version: v, previousVersion, rollback: previousVersion !== null && v < previousVersion });
}
