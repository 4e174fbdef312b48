import { readFileSync } from "node:fs";
import { SYSTEM_BASE_LAYOUT } from "../../src/render/layouts";
import type { RenderInput } from "../../src/render/types";

export const NOW = new Date("2026-03-10T12:00:00Z");

export const ACME = { name: "Acme", postalAddress: "1 Main St\nSpringfield", footerText: "You follow Ship v1.", primaryColor: "#0f766e" };

export const COMMENT = {
  id: "tpl-comment",
  version: 3,
  subject: "{{ data.author }} commented on {{ data.task }}",
  html: '{% layout "branding" %}{% block content %}<h1>New comment on {{ data.task }}</h1><p>{{ data.author }} wrote:</p><blockquote>{{ data.comment }}</blockquote><p><a class="button" href="{{ data.url | safe_url }}">Open the task</a></p>{% endblock %}',
};

/** A render input with sensible defaults; each test overrides what it is about. */
export function commentInput(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    base: SYSTEM_BASE_LAYOUT,
    branding: { values: ACME },
    template: COMMENT,
    recipient: { email: "ada@example.test", name: "Ada", locale: "en", timezone: "Europe/Lisbon" },
    data: { author: "Grace", task: "Ship v1", comment: "Looks good", url: "https://app.test/t/1" },
    links: { unsubscribeUrl: "https://tidings.test/u/tok?c=comments&x=1", preferencesUrl: "https://tidings.test/p/tok" },
    now: NOW,
    ...overrides,
  };
}

/** Renders one liquid expression through the subject line (plain text, one line) for a reader. */
export async function renderExpression(expression: string, reader: { locale?: string; timezone?: string } = {}, data: Record<string, unknown> = {}): Promise<string> {
  const { renderNotification } = await import("../../src/render/render-notification");
  const result = await renderNotification(
    commentInput({
      // The template is written in the reader's language, so Intl formats in the reader's locale.
      template: { id: `expr:${expression}`, version: 1, defaultLocale: (reader.locale ?? "en-US").split("-")[0], subject: expression, html: "<p>x</p>" },
      recipient: { email: "ada@example.test", name: null, locale: reader.locale ?? "en-US", timezone: reader.timezone ?? "UTC" },
      data,
    }),
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value.subject;
}

/** The HTML of the card (the content block) of a rendered email. */
export function cardOf(html: string | undefined): string {
  return /<td class="card"[^>]*>([\s\S]*?)<\/td><\/tr>\s*<tr><td class="footer"/.exec(html ?? "")?.[1] ?? "";
}
