import type { DigestSchedule } from "../decide/preferences/model";
import type { PageStringOverrides } from "../render/branding-schema";

const en = {
  unsubscribeTitle: "Unsubscribe",
  unsubscribeCategoryQuestion: "Stop emails about {category} from {organization}?",
  unsubscribeAllQuestion: "Stop all non-critical emails from {organization}?",
  unsubscribeLockedNote: "{category} cannot be turned off on its own, so this stops all non-critical emails from {organization}.",
  unsubscribeButton: "Unsubscribe",
  unsubscribedTitle: "You are unsubscribed",
  unsubscribedCategory: "You will no longer get emails about {category} from {organization}.",
  unsubscribedAll: "You will no longer get non-critical emails from {organization}.",
  criticalStillSent: "Security and account emails are still sent.",
  managePreferences: "Manage all email preferences",
  preferencesTitle: "Email preferences",
  preferencesIntro: "Choose which emails {organization} sends you, and how.",
  categoryEnabled: "Email me about {category}",
  deliveryLegend: "When",
  deliveryImmediate: "As they happen",
  deliveryDigest: "Bundled in a digest",
  frequencyLabel: "Digest frequency",
  lockedNote: "Set by {organization}; it cannot be changed here.",
  lockedOn: "Always sent",
  lockedOff: "Never sent",
  everythingLegend: "Everything",
  unsubscribeAllLabel: "Unsubscribe from all non-critical emails",
  unsubscribedAllNote: "You are unsubscribed from all non-critical emails; the choices above apply once you resubscribe.",
  formatLegend: "Format",
  textOnlyLabel: "Send me plain-text emails only",
  save: "Save preferences",
  savedTitle: "Preferences saved",
  savedIntro: "These changes apply to the next email {organization} sends you:",
  nothingChanged: "Nothing changed.",
  backToPreferences: "Back to email preferences",
  changeOn: "{category}: on",
  changeOff: "{category}: off",
  changeImmediate: "{category}: as they happen",
  changeDigest: "{category}: bundled in a digest ({schedule})",
  changeSchedule: "{category}: digest {schedule}",
  changeUnsubscribedAll: "All non-critical emails: unsubscribed",
  changeResubscribedAll: "All non-critical emails: subscribed again",
  changeTextOnlyOn: "Plain-text emails only: on",
  changeTextOnlyOff: "Plain-text emails only: off",
  scheduleHourly: "hourly",
  scheduleMinutes: "every {minutes} minutes",
  scheduleDaily: "daily at {hour}",
  scheduleWeekly: "weekly on {weekday} at {hour}",
  invalidTitle: "This link does not work",
  invalidBody: "The link may be incomplete or out of date. Use the link in a recent email, or ask the sender for help.",
  expiredTitle: "This page has expired",
  expiredBody: "Nothing was changed. Open the page again and save once more.",
  reopen: "Open email preferences again",
  poweredBy: "Email preferences by Tidings",
};

export type PageStrings = typeof en & { categories: Record<string, string>; language: string };
type Builtin = typeof en;

const de: Builtin = {
  unsubscribeTitle: "Abmelden",
  unsubscribeCategoryQuestion: "Keine E-Mails mehr zu {category} von {organization}?",
  unsubscribeAllQuestion: "Keine nicht kritischen E-Mails mehr von {organization}?",
  unsubscribeLockedNote: "{category} lässt sich nicht einzeln abbestellen; damit enden alle nicht kritischen E-Mails von {organization}.",
  unsubscribeButton: "Abmelden",
  unsubscribedTitle: "Sie sind abgemeldet",
  unsubscribedCategory: "Sie erhalten keine E-Mails zu {category} von {organization} mehr.",
  unsubscribedAll: "Sie erhalten keine nicht kritischen E-Mails von {organization} mehr.",
  criticalStillSent: "Sicherheits- und Konto-E-Mails werden weiterhin gesendet.",
  managePreferences: "Alle E-Mail-Einstellungen verwalten",
  preferencesTitle: "E-Mail-Einstellungen",
  preferencesIntro: "Wählen Sie, welche E-Mails {organization} Ihnen sendet, und wie.",
  categoryEnabled: "E-Mails zu {category} senden",
  deliveryLegend: "Wann",
  deliveryImmediate: "Sofort",
  deliveryDigest: "Gesammelt als Zusammenfassung",
  frequencyLabel: "Häufigkeit der Zusammenfassung",
  lockedNote: "Von {organization} festgelegt; hier nicht änderbar.",
  lockedOn: "Wird immer gesendet",
  lockedOff: "Wird nie gesendet",
  everythingLegend: "Alles",
  unsubscribeAllLabel: "Von allen nicht kritischen E-Mails abmelden",
  unsubscribedAllNote: "Sie sind von allen nicht kritischen E-Mails abgemeldet; die Auswahl oben gilt erst nach einer erneuten Anmeldung.",
  formatLegend: "Format",
  textOnlyLabel: "Nur reine Text-E-Mails senden",
  save: "Einstellungen speichern",
  savedTitle: "Einstellungen gespeichert",
  savedIntro: "Diese Änderungen gelten ab der nächsten E-Mail von {organization}:",
  nothingChanged: "Nichts wurde geändert.",
  backToPreferences: "Zurück zu den E-Mail-Einstellungen",
  changeOn: "{category}: an",
  changeOff: "{category}: aus",
  changeImmediate: "{category}: sofort",
  changeDigest: "{category}: als Zusammenfassung ({schedule})",
  changeSchedule: "{category}: Zusammenfassung {schedule}",
  changeUnsubscribedAll: "Alle nicht kritischen E-Mails: abgemeldet",
  changeResubscribedAll: "Alle nicht kritischen E-Mails: wieder angemeldet",
  changeTextOnlyOn: "Nur reine Text-E-Mails: an",
  changeTextOnlyOff: "Nur reine Text-E-Mails: aus",
  scheduleHourly: "stündlich",
  scheduleMinutes: "alle {minutes} Minuten",
  scheduleDaily: "täglich um {hour}",
  scheduleWeekly: "wöchentlich am {weekday} um {hour}",
  invalidTitle: "Dieser Link funktioniert nicht",
  invalidBody: "Der Link ist unvollständig oder veraltet. Nutzen Sie den Link in einer aktuellen E-Mail oder fragen Sie den Absender.",
  expiredTitle: "Diese Seite ist abgelaufen",
  expiredBody: "Es wurde nichts geändert. Öffnen Sie die Seite erneut und speichern Sie noch einmal.",
  reopen: "E-Mail-Einstellungen erneut öffnen",
  poweredBy: "E-Mail-Einstellungen von Tidings",
};

const BUILTIN: Record<string, Builtin> = { en, de };

const languageOf = (tag: string | null | undefined) => (tag ?? "").split(/[-_]/)[0]?.toLowerCase() ?? "";

/**
 * The page's wording: the recipient's language when we or the organisation have strings for it,
 * else English; the organisation's overrides for that language win key by key, and strings it
 * leaves out fall back to ours.
 */
export function pageStrings(locale: string | null | undefined, overrides: PageStringOverrides | undefined): PageStrings {
  const wanted = languageOf(locale);
  const language = BUILTIN[wanted] || overrides?.[wanted] ? wanted : "en";
  const { categories, ...own } = overrides?.[language] ?? {};
  const known = Object.fromEntries(Object.entries(own).filter(([key]) => Object.hasOwn(en, key)));
  return { ...en, ...BUILTIN[language], ...known, categories: categories ?? {}, language };
}

/** `{name}` placeholders; values are plain text, escaped later by JSX like everything else. */
export const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

/** The organisation's name for a category, else the slug made readable (`task-reminders` → `Task reminders`). */
export function categoryLabel(strings: PageStrings, category: string): string {
  // hasOwn: a category may be called `constructor`, which every plain object "has".
  const own = Object.hasOwn(strings.categories, category) ? strings.categories[category] : undefined;
  if (own) return own;
  const words = category.replace(/[-_]+/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function describeSchedule(strings: PageStrings, schedule: DigestSchedule): string {
  const hour = `${String("hour" in schedule ? schedule.hour : 0).padStart(2, "0")}:00`;
  switch (schedule.kind) {
    case "window":
      return schedule.minutes === 60 ? strings.scheduleHourly : fill(strings.scheduleMinutes, { minutes: schedule.minutes });
    case "daily":
      return fill(strings.scheduleDaily, { hour });
    case "weekly": {
      // 2023-01-01 was a Sunday: weekday 0 in the model.
      const weekday = new Intl.DateTimeFormat(strings.language, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2023, 0, 1 + schedule.weekday));
      return fill(strings.scheduleWeekly, { weekday, hour });
    }
  }
}
