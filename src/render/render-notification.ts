import { LiquidError } from "liquidjs";
import { err, ok, type Result } from "../platform/result";
import { compileHtml } from "./compile";
import { parseText, renderParsed } from "./engines";
import type { FormatSettings } from "./filters";
import { htmlToText } from "./html-to-text";
import { inlineCss, safeCustomCss } from "./inline";
import { DEFAULT_BRANDING_LAYOUT } from "./layouts";
import { validTimeZone } from "../platform/time/time-zone";
import { chooseVariant, formattingLocale, uiStrings } from "./locale";
import { type ParsedRenderInput, RenderInput, type RenderError, type RenderedEmail, type TemplatePart } from "./types";

/** A rendered email plus the HTML before inlining, which validation checks for balanced tags. */
export type RenderOutcome = RenderedEmail & { uninlinedHtml?: string };

/**
 * Renders one notification: subject, HTML (absent for text-only recipients) and text. Pure apart
 * from isolate-scoped parse caches; everything it needs arrives in `input`, nothing is fetched.
 */
export async function renderNotification(input: RenderInput): Promise<Result<RenderedEmail, RenderError>> {
  const result = await renderDetailed(input);
  if (!result.ok) return result;
  const { uninlinedHtml: _, ...email } = result.value;
  return ok(email);
}

export async function renderDetailed(raw: RenderInput): Promise<Result<RenderOutcome, RenderError>> {
  const parsed = RenderInput.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return err({ code: "INVALID_INPUT", message, retry: false, context: {} });
  }
  const input = parsed.data;
  const { id, version } = input.template;
  let part: TemplatePart = "subject";
  try {
    const variant = chooseVariant(input.template, input.recipient.locale);
    const format: FormatSettings = {
      locale: formattingLocale(variant.locale, input.recipient.locale),
      timeZone: validTimeZone(input.recipient.timezone),
      now: input.now ?? new Date(),
    };
    const key = `${id}@${version}/${variant.locale}`;
    const scope = buildScope(input, variant.locale);
    // Header-safe by construction: one line, so event data cannot add a header through the subject.
    const subject = renderParsed("text", parseText(`${key}/subject`, variant.subject), scope, format)
      .replace(/\s+/g, " ")
      .trim();
    Object.assign(scope, { subject });

    let html: string | undefined;
    let uninlinedHtml: string | undefined;
    let inlining: RenderedEmail["inlining"] = "per-email";
    let inliningReason: string | undefined;
    const textOnly = input.recipient.textOnly;
    if (!textOnly || !variant.text) {
      part = "html";
      const css = safeCustomCss(input.branding.values.customCss);
      const layouts = { base: input.base, branding: input.branding.layout ?? DEFAULT_BRANDING_LAYOUT };
      const { engine, compiled } = compileHtml({ layouts, key, html: variant.html, css, inlining: input.inlining });
      const { mode, reason, templates } = await compiled;
      const rendered = renderParsed(engine.liquid, templates, scope, format);
      inlining = mode;
      inliningReason = reason;
      if (mode === "per-email") uninlinedHtml = rendered;
      html = mode === "per-version" || textOnly ? rendered : inlineCss(rendered, css);
    }
    part = "text";
    const text = variant.text
      ? `${(renderParsed("text", parseText(`${key}/text`, variant.text), scope, format)).trim()}\n\n${textFooter(input, variant.locale)}`
      : htmlToText(html ?? "");
    return ok({
      subject,
      ...(textOnly || html === undefined ? {} : { html }),
      ...(uninlinedHtml === undefined ? {} : { uninlinedHtml }),
      text,
      templateVersion: { id, version },
      locale: variant.locale,
      inlining,
      ...(inliningReason === undefined ? {} : { inliningReason }),
    });
  } catch (e) {
    return err(toRenderError(e, { templateId: id, version, part }));
  }
}

function buildScope(input: ParsedRenderInput, locale: string): Record<string, unknown> {
  const { customCss: _, ...brand } = input.branding.values;
  const { textOnly: __, ...recipient } = input.recipient;
  return { data: input.data, recipient, brand, links: input.links, ui: uiStrings(locale), locale, template: { id: input.template.id, version: input.template.version } };
}

/** A hand-written text part still needs the sender and the links the HTML footer carries. */
function textFooter(input: ParsedRenderInput, locale: string): string {
  const { values } = input.branding;
  const ui = uiStrings(locale);
  const lines = [
    "--",
    [values.name, values.postalAddress].filter(Boolean).join(" · "),
    values.footerText ?? "",
    input.links.preferencesUrl ? `${ui.preferences}: ${input.links.preferencesUrl}` : "",
    input.links.unsubscribeUrl ? `${ui.unsubscribe}: ${input.links.unsubscribeUrl}` : "",
  ];
  return lines.filter(Boolean).join("\n");
}

export function toRenderError(e: unknown, context: RenderError["context"]): RenderError {
  if (e instanceof LiquidError) {
    const [line, column] = e.token.getPosition();
    // Positions are only meaningful in the author's own source, i.e. the subject and text parts.
    const position = context.part !== "html" ? { line, column } : {};
    return { code: "TEMPLATE", message: budgetMessage(e.message), retry: false, context: { ...context, ...position } };
  }
  return { code: "TEMPLATE", message: budgetMessage(e instanceof Error ? e.message : String(e)), retry: false, context };
}

/** liquidjs's own parse and memory budgets speak of limits; say which budget a person is reading about. */
const budgetMessage = (message: string) => (/limit exceeded/.test(message) && !message.startsWith("render budget") ? `render budget exceeded (${message})` : message);
