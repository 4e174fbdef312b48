import { z } from "zod";
import { loadBranding } from "../../../render/branding";
import { checkVersion } from "../../../render/template-publish";
import { previewVersion } from "../../../render/template-preview";
import { findTemplate, findVersion, templateView } from "../../../render/template-store";
import type { TemplateView } from "../../../render/template-schema";
import type { Database } from "../../../platform/db/client";
import type { ShownIssue } from "../views/templates/issues";
import type { PreviewOutcome } from "../views/templates/preview";
import { type EditorFields, fieldsOf, parseJsonObject } from "./form";

/** The preview's data travels in the frame's URL: a cap keeps it well inside what browsers and Workers take. */
export const MAX_PREVIEW_DATA = 6000;

export const NOTICES = {
  saved: "Saved as a draft. Nothing changes for recipients until you publish it.",
  published: "Published: new notifications render with this version.",
  rolled_back: "Rolled back: new notifications render with this version again.",
} as const;

export const TemplatePageQuery = z.object({
  v: z.coerce.number().int().positive().optional(),
  locale: z.string().max(35).optional(),
  data: z.string().max(MAX_PREVIEW_DATA).optional(),
  /** What the change that redirected here did: one of NOTICES, or "refused" (a publish whose checks failed). */
  notice: z.enum([...(Object.keys(NOTICES) as (keyof typeof NOTICES)[]), "refused"]).optional(),
});
export type TemplatePageQuery = z.infer<typeof TemplatePageQuery>;

export type TemplatePageData = {
  template: TemplateView;
  version: number;
  fields: EditorFields;
  checkIssues: ShownIssue[];
  preview: { locale: string; data: string; outcome: PreviewOutcome };
};

/** The preview of `version` with the data typed into the preview form, or its stored sample data. */
async function loadPreview(db: Database, organizationId: string, templateId: string, version: number, locale: string, data: string | undefined): Promise<PreviewOutcome> {
  const given = data === undefined ? undefined : parseJsonObject(data);
  if (given && !given.ok) return { ok: false, issues: [{ message: `The data ${given.error}` }] };
  const preview = await previewVersion(db, organizationId, templateId, { version, locale, data: given?.value });
  if (preview.ok) {
    const query = new URLSearchParams({ locale, ...(data !== undefined ? { data } : {}) });
    return { ok: true, preview: preview.value, frameQuery: `?${query}` };
  }
  const refusal = preview.error;
  if (refusal.code === "unparsable") return { ok: false, issues: refusal.issues.map((i) => ({ ...i, locale })) };
  if (refusal.code === "unrenderable") return { ok: false, issues: [{ message: refusal.message, part: refusal.part, locale }] };
  return { ok: false, issues: [{ message: "No such version." }] };
}

/**
 * What a template's page shows for version `query.v` (default: the latest): its fields, why it
 * cannot be published (publish's own checks), and its preview. Undefined for an unknown template,
 * another organisation's or an unknown version.
 */
export async function loadTemplatePage(db: Database, organizationId: string, templateId: string, query: TemplatePageQuery): Promise<TemplatePageData | undefined> {
  const row = await findTemplate(db, organizationId, templateId);
  const versionRow = row ? await findVersion(db, row.id, query.v) : undefined;
  if (!row || !versionRow) return undefined;
  const template = await templateView(db, row, true);
  const checked = await checkVersion(await loadBranding(db, organizationId), versionRow);
  const fields = fieldsOf(versionRow);
  const locales = [versionRow.defaultLocale, ...Object.keys(versionRow.locales)];
  const locale = query.locale && locales.includes(query.locale) ? query.locale : versionRow.defaultLocale;
  return {
    template,
    version: versionRow.version,
    fields,
    checkIssues: checked.ok ? [] : checked.error.issues,
    preview: { locale, data: query.data ?? fields.sampleData, outcome: await loadPreview(db, organizationId, row.id, versionRow.version, locale, query.data) },
  };
}
