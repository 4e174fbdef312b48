import type { Database } from "../platform/db/client";
import { err, ok, type Result } from "../platform/result";
import { loadBranding } from "./branding";
import { SYSTEM_BASE_LAYOUT } from "./layouts";
import { renderNotification } from "./render-notification";
import { findTemplate, findVersion } from "./template-store";
import type { TemplatePart, ValidationIssue } from "./types";
import { type Preview, validateTemplate } from "./validate-template";

export type PreviewOptions = {
  /** Defaults to the latest version, draft or not. */
  version?: number | undefined;
  /** Defaults to the version's sample data. */
  data?: Record<string, unknown> | undefined;
  locale?: string | undefined;
  recipient?: { name?: string | undefined; email?: string | undefined; timezone?: string | undefined } | undefined;
};

export type PreviewRefusal =
  | { code: "not_found" }
  /** The liquid does not parse: each issue has its part, line and column. */
  | { code: "unparsable"; issues: ValidationIssue[] }
  | { code: "unrenderable"; message: string; part: TemplatePart };

const SAMPLE_LINKS = { unsubscribeUrl: "https://example.com/unsubscribe", preferencesUrl: "https://example.com/preferences" };

/**
 * Renders a version as an email would be, inside the organisation's branding layout, with the data
 * given or the version's sample data and a sample recipient; sends and stores nothing.
 */
export async function previewVersion(db: Database, organizationId: string, templateId: string, options: PreviewOptions): Promise<Result<Preview, PreviewRefusal>> {
  const template = await findTemplate(db, organizationId, templateId);
  const version = template ? await findVersion(db, template.id, options.version) : undefined;
  if (!template || !version) return err({ code: "not_found" });
  const branding = await loadBranding(db, organizationId);
  const data = options.data ?? version.sampleData;
  // Parse first, so a broken draft answers with its line and column rather than a render error.
  const checked = await validateTemplate({
    subject: version.subject,
    html: version.html,
    text: version.text,
    layout: branding.layout,
    branding: branding.values,
    sampleData: data,
  });
  if (!checked.ok && checked.error.some((i) => i.line !== undefined)) return err({ code: "unparsable", issues: checked.error });
  const rendered = await renderNotification({
    base: SYSTEM_BASE_LAYOUT,
    branding,
    template: {
      id: version.id,
      version: version.version,
      defaultLocale: version.defaultLocale,
      subject: version.subject,
      html: version.html,
      text: version.text,
      locales: version.locales,
    },
    recipient: {
      email: options.recipient?.email ?? "recipient@example.com",
      name: options.recipient?.name ?? "Sample Recipient",
      locale: options.locale ?? null,
      timezone: options.recipient?.timezone ?? null,
    },
    data,
    links: SAMPLE_LINKS,
  });
  if (!rendered.ok) return err({ code: "unrenderable", message: rendered.error.message, part: rendered.error.context.part ?? "html" });
  return ok({ subject: rendered.value.subject, html: rendered.value.html ?? "", text: rendered.value.text });
}
