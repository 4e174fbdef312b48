import { Liquid, type Template } from "liquidjs";
import baseLayout from "../../templates/base.liquid";
import { htmlToText } from "./html-to-text";

/**
 * Isolate-scoped: the engine and its parse cache are pure and safe to share across requests, and
 * parsing a template once per isolate instead of once per email is most of the render cost.
 */
const htmlEngine = new Liquid({ outputEscape: "escape", strictFilters: true });
/** Subject lines and text parts are not HTML: escaping them would show `&amp;` to the reader. */
const textEngine = new Liquid({ strictFilters: true });
const parsedBase = htmlEngine.parse(baseLayout);

/** Parsed templates by id, version and part; a version's source never changes, so entries never go stale. */
const parsed = new Map<string, Template[]>();
const PARSED_KEEP = 500;

function parseOnce(engine: Liquid, key: string, source: string): Template[] {
  let templates = parsed.get(key);
  if (!templates) {
    templates = engine.parse(source);
    if (parsed.size >= PARSED_KEEP) parsed.delete(parsed.keys().next().value as string);
    parsed.set(key, templates);
  }
  return templates;
}

export type TemplateSource = { id: string; version: number; subject: string; html: string; text: string | null };

export type RenderContext = {
  data: Record<string, unknown>;
  recipient: { id: string; email: string; name: string | null; locale: string | null; timezone: string | null };
  organization: { name: string };
  event: { id: string; type: string };
};

export type RenderedEmail = { subject: string; html: string; text: string };

export async function renderEmail(template: TemplateSource, context: RenderContext): Promise<RenderedEmail> {
  const scope = { ...context, locale: context.recipient.locale ?? "en" };
  const key = `${template.id}:${template.version}`;
  const subjectTemplate = parseOnce(textEngine, `${key}:subject`, template.subject);
  const subject = (await textEngine.render(subjectTemplate, scope)).replace(/\s+/g, " ").trim();
  const content = await htmlEngine.render(parseOnce(htmlEngine, `${key}:html`, template.html), scope);
  const html = await htmlEngine.render(parsedBase, { ...scope, subject, content });
  const text = template.text
    ? await textEngine.render(parseOnce(textEngine, `${key}:text`, template.text), scope)
    : htmlToText(content);
  return { subject, html, text: text.trim() };
}
