import { TemplateContent } from "../../../render/template-schema";
import { err, ok, type Result } from "../../../platform/result";

/** One locale's translation as the editor shows it: every field a string, as the form posts it. */
export type LocaleFields = { tag: string; subject: string; html: string; text: string };

/** The editor's fields, as typed: what a refused save shows again, unchanged. */
export type EditorFields = {
  subject: string;
  html: string;
  text: string;
  defaultLocale: string;
  locales: LocaleFields[];
  requiredVariables: string;
  sampleData: string;
};

export type FieldIssue = { field: string; message: string };

/** How many translations one form can carry: the ones a version has, plus one empty slot to add. */
export const MAX_LOCALES = 20;

type StoredVersion = Pick<TemplateContent, "subject" | "html" | "defaultLocale" | "locales" | "requiredVariables" | "sampleData"> & { text?: string | null | undefined };

export function fieldsOf(version: StoredVersion): EditorFields {
  return {
    subject: version.subject,
    html: version.html,
    text: version.text ?? "",
    defaultLocale: version.defaultLocale,
    locales: Object.entries(version.locales).map(([tag, l]) => ({ tag, subject: l.subject, html: l.html, text: l.text ?? "" })),
    requiredVariables: version.requiredVariables.join(", "),
    sampleData: JSON.stringify(version.sampleData, null, 2),
  };
}

const one = (form: Record<string, string | string[]>, name: string): string => {
  const v = form[name];
  return typeof v === "string" ? v : (v?.[0] ?? "");
};

/** The editor's fields from a posted form; a locale slot left wholly empty is no translation. */
export function readEditorForm(form: Record<string, string | string[]>): EditorFields {
  const locales: LocaleFields[] = [];
  for (let i = 0; i < MAX_LOCALES; i++) {
    const slot = { tag: one(form, `l${i}.tag`).trim(), subject: one(form, `l${i}.subject`), html: one(form, `l${i}.html`), text: one(form, `l${i}.text`) };
    if (slot.tag || slot.subject.trim() || slot.html.trim() || slot.text.trim()) locales.push(slot);
  }
  return {
    subject: one(form, "subject"),
    html: one(form, "html"),
    text: one(form, "text"),
    defaultLocale: one(form, "defaultLocale").trim(),
    locales,
    requiredVariables: one(form, "requiredVariables"),
    sampleData: one(form, "sampleData"),
  };
}

/** Parses a JSON object typed into a textarea; the parser's message says where it broke. */
export function parseJsonObject(source: string): Result<Record<string, unknown>, string> {
  if (!source.trim()) return ok({});
  try {
    const value: unknown = JSON.parse(source);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return err('must be a JSON object, like {"task": {"title": "Ship v1"}}');
    return ok(value as Record<string, unknown>);
  } catch (e) {
    return err(`is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The fields as a version's content, checked by the same schema as PUT /v1/templates/:id. */
export function contentOf(fields: EditorFields): Result<TemplateContent, FieldIssue[]> {
  const sample = parseJsonObject(fields.sampleData);
  if (!sample.ok) return err([{ field: "sampleData", message: `Sample data ${sample.error}` }]);
  const tags = fields.locales.map((l) => l.tag);
  const repeated = tags.find((t, i) => tags.indexOf(t) !== i || t === fields.defaultLocale);
  if (repeated) return err([{ field: "locales", message: `The locale "${repeated}" appears twice.` }]);
  const parsed = TemplateContent.safeParse({
    subject: fields.subject,
    html: fields.html,
    text: fields.text.trim() ? fields.text : null,
    defaultLocale: fields.defaultLocale || "en",
    locales: Object.fromEntries(fields.locales.map((l) => [l.tag, { subject: l.subject, html: l.html, text: l.text.trim() ? l.text : null }])),
    requiredVariables: fields.requiredVariables
      .split(/[\s,]+/)
      .map((v) => v.trim())
      .filter(Boolean),
    sampleData: sample.value,
  });
  if (parsed.success) return ok(parsed.data);
  return err(parsed.error.issues.map((i) => ({ field: i.path.map(String).join("."), message: `${i.path.map(String).join(".") || "form"}: ${i.message}` })));
}
