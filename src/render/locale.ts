import type { LocaleVariant } from "./types";

type Variants = { defaultLocale: string; subject: string; html: string; text?: string | null | undefined; locales: Record<string, LocaleVariant> };

export type ChosenVariant = { locale: string; subject: string; html: string; text: string | null };

const language = (tag: string) => tag.split(/[-_]/)[0]?.toLowerCase() ?? tag.toLowerCase();

/** Exact tag (pt-BR), then its language (pt), then the template's default; tags compare case-insensitively. */
export function chooseVariant(template: Variants, requested: string | null | undefined): ChosenVariant {
  const fallback = { locale: template.defaultLocale, subject: template.subject, html: template.html, text: template.text ?? null };
  if (!requested) return fallback;
  const wanted = requested.replace(/_/g, "-").toLowerCase();
  const entries = Object.entries(template.locales);
  const found = entries.find(([tag]) => tag.toLowerCase() === wanted) ?? entries.find(([tag]) => tag.toLowerCase() === language(wanted));
  if (!found) return fallback;
  const [locale, v] = found;
  return { locale, subject: v.subject, html: v.html, text: v.text ?? null };
}

/**
 * The locale Intl formats with. A pt-BR reader of the `pt` variant gets Brazilian dates and numbers,
 * but a German reader of the English default gets English ones: dates in one language inside
 * sentences in another read as a mistake.
 */
export function formattingLocale(contentLocale: string, requested: string | null | undefined): string {
  const candidate = requested && language(requested) === language(contentLocale) ? requested.replace(/_/g, "-") : contentLocale;
  try {
    return Intl.getCanonicalLocales(candidate)[0] ?? "en";
  } catch {
    return "en";
  }
}

export type UiStrings = { unsubscribe: string; preferences: string; sentBy: string };

/** Footer wording of the system layout, by language; templates see it as `ui.*`. */
const UI: Record<string, UiStrings> = {
  en: { unsubscribe: "Unsubscribe", preferences: "Manage email preferences", sentBy: "Sent by" },
  de: { unsubscribe: "Abmelden", preferences: "E-Mail-Einstellungen verwalten", sentBy: "Gesendet von" },
  fr: { unsubscribe: "Se désabonner", preferences: "Gérer vos préférences e-mail", sentBy: "Envoyé par" },
  es: { unsubscribe: "Darse de baja", preferences: "Gestionar preferencias de correo", sentBy: "Enviado por" },
  pt: { unsubscribe: "Cancelar inscrição", preferences: "Gerir preferências de e-mail", sentBy: "Enviado por" },
  nl: { unsubscribe: "Afmelden", preferences: "E-mailvoorkeuren beheren", sentBy: "Verzonden door" },
};

export function uiStrings(contentLocale: string): UiStrings {
  return UI[language(contentLocale)] ?? (UI.en as UiStrings);
}
