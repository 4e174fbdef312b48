import { LiquidError } from "liquidjs";
import { z } from "zod";
import { err, ok, type Result } from "../platform/result";
import { fingerprint } from "./cache";
import { validationEngines } from "./engines";
import { DEFAULT_BRANDING_LAYOUT, LAYOUT_NAMES, SYSTEM_BASE_LAYOUT } from "./layouts";
import { layoutNames, tokenize } from "./liquid-source";
import { renderDetailed } from "./render-notification";
import { BrandingValues, LayoutSource, type TemplatePart, type ValidationIssue } from "./types";
import { checkWellFormed } from "./well-formed";

export const ValidateTemplateInput = z.object({
  subject: z.string(),
  html: z.string(),
  text: z.string().nullish(),
  /** The organisation's branding layout the template will extend; absent means the default one. */
  layout: LayoutSource.nullish(),
  base: LayoutSource.optional(),
  branding: BrandingValues.default({ name: "Example Co", primaryColor: "#2563eb" }),
  sampleData: z.record(z.string(), z.unknown()),
  /** Dotted paths into the event data (`task.title`; a leading `data.` is accepted). */
  requiredVariables: z.array(z.string().min(1)).default([]),
  locale: z.string().optional(),
});
export type ValidateTemplateInput = z.input<typeof ValidateTemplateInput>;

export type Preview = { subject: string; html: string; text: string };

const SAMPLE_LINKS = { unsubscribeUrl: "https://example.com/unsubscribe", preferencesUrl: "https://example.com/preferences" };

function parseIssue(e: unknown, part: TemplatePart, where = ""): ValidationIssue {
  if (e instanceof LiquidError) {
    const [line, column] = e.token.getPosition();
    const message = `${where}${(e.originalError ?? e).message.replace(/, line:\d+, col:\d+$/, "")}`;
    return where ? { message: `${message} (line ${line}, column ${column})`, part } : { message, part, line, column };
  }
  return { message: `${where}${e instanceof Error ? e.message : String(e)}`, part };
}

function parses(source: string, part: TemplatePart): ValidationIssue[] {
  try {
    (part === "html" ? validationEngines.html : validationEngines.text).parse(source);
    return [];
  } catch (e) {
    return [parseIssue(e, part)];
  }
}

function lookup(data: Record<string, unknown>, path: string): unknown {
  return path
    .replace(/^data\./, "")
    .split(".")
    .reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), data);
}

/**
 * Checks a template version before it is published: every part parses (with the parser's line and
 * column), required variables exist in the sample data, the layout it names exists and parses,
 * and the HTML rendered from the sample is well-formed. On success returns the rendered preview.
 */
export async function validateTemplate(raw: ValidateTemplateInput): Promise<Result<Preview, ValidationIssue[]>> {
  const parsed = ValidateTemplateInput.safeParse(raw);
  if (!parsed.success) return err(parsed.error.issues.map((i) => ({ message: `${i.path.join(".")}: ${i.message}`, part: "html" as const })));
  const input = parsed.data;
  const issues = [...parses(input.subject, "subject"), ...parses(input.html, "html"), ...(input.text ? parses(input.text, "text") : [])];

  if (!issues.some((i) => i.part === "html")) {
    for (const token of tokenize(input.html)) {
      const [name] = layoutNames([token]);
      if (name !== undefined && !(LAYOUT_NAMES as readonly string[]).includes(name)) {
        const [line, column] = token.getPosition();
        issues.push({ message: `layout "${name}" does not exist; use "branding" or "base"`, part: "html", line, column });
      }
    }
  }
  const layout = input.layout ?? DEFAULT_BRANDING_LAYOUT;
  try {
    validationEngines.html.parse(layout.source);
    if (!layoutNames(tokenize(layout.source)).includes("base"))
      issues.push({ message: `layout ${layout.id} must extend "base" (it carries the unsubscribe footer)`, part: "html" });
  } catch (e) {
    issues.push(parseIssue(e, "html", `in layout ${layout.id}: `));
  }
  for (const path of input.requiredVariables) {
    if (lookup(input.sampleData, path) === undefined) issues.push({ message: `required variable "${path}" is missing from the sample data`, part: "html" });
  }
  if (issues.length > 0) return err(issues);

  const draft = JSON.stringify([input.subject, input.html, input.text]);
  const draftId = `draft:${fingerprint(draft)}:${draft.length}`;
  const rendered = await renderDetailed({
    base: input.base ?? SYSTEM_BASE_LAYOUT,
    branding: { layout: input.layout ?? null, values: input.branding },
    template: { id: draftId, version: 0, subject: input.subject, html: input.html, text: input.text ?? null },
    recipient: { email: "preview@example.com", name: "Preview", locale: input.locale ?? null },
    data: input.sampleData,
    links: SAMPLE_LINKS,
    inlining: "per-email",
  });
  if (!rendered.ok) {
    const { part = "html", line, column } = rendered.error.context;
    return err([{ message: rendered.error.message, part, ...(line !== undefined ? { line, column } : {}) }]);
  }
  const problems = checkWellFormed(rendered.value.uninlinedHtml ?? "");
  if (problems.length > 0) {
    return err(problems.map((p) => ({ message: `rendered HTML is not well-formed at line ${p.line}, column ${p.column}: ${p.message}`, part: "html" as const })));
  }
  return ok({ subject: rendered.value.subject, html: rendered.value.html ?? "", text: rendered.value.text });
}

/**
 * Checks an organisation's branding layout before it is stored: it parses (with position), extends
 * "base" (so the footer with the unsubscribe link is always there), and renders a sample template
 * into well-formed HTML.
 */
export async function validateLayout(layout: { id?: string; source: string }, branding?: z.input<typeof BrandingValues>): Promise<Result<Preview, ValidationIssue[]>> {
  const issues = parses(layout.source, "html");
  if (issues.length > 0) return err(issues);
  const source = { id: layout.id ?? `draft-layout:${fingerprint(layout.source)}:${layout.source.length}`, version: 0, source: layout.source };
  return validateTemplate({
    subject: "Sample subject",
    html: '{% layout "branding" %}<p>Sample content for {{ recipient.name }}.</p>',
    layout: source,
    sampleData: {},
    ...(branding ? { branding } : {}),
  });
}
