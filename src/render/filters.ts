import type { Context, Liquid } from "liquidjs";
import { sanitizeHtml, stripHtml } from "./sanitize";

/** Per-render formatting settings, kept in a liquid register so templates cannot shadow them with a variable. */
export type FormatSettings = { locale: string; timeZone: string; now: Date };
export const FORMAT_REGISTER = "tidings:format";

type FilterThis = { context: Context };

function settings(self: FilterThis): FormatSettings {
  const found = self.context.getRegister(FORMAT_REGISTER) as FormatSettings | undefined;
  return found ?? { locale: "en", timeZone: "UTC", now: new Date() };
}

/** Dates arrive as ISO strings or epoch numbers; numbers below 1e11 are seconds (Shopify's convention), above it milliseconds. */
export function toDate(value: unknown, now: Date): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (value === "now" || value === "today") return now;
  if (typeof value === "number") return new Date(Math.abs(value) < 1e11 ? value * 1000 : value);
  if (typeof value === "string" && value.trim() !== "") {
    const date = new Date(/^\d+$/.test(value) ? (toDate(Number(value), now)?.getTime() ?? Number.NaN) : value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

const toNumber = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Intl formatters per locale, zone and options, kept per isolate: building one costs far more than
 * formatting with it, and a batch formats the same few locales over and over. Bounded, since the
 * locales and zones come from recipients.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules | Intl.RelativeTimeFormat>();
function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  const known = formatters.get(key);
  if (known) return known as T;
  const made = make();
  if (formatters.size >= 500) formatters.clear();
  formatters.set(key, made);
  return made;
}
const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}) =>
  formatter(`n\n${locale}\n${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));

type Style = "full" | "long" | "medium" | "short";
const style = (value: unknown, fallback: Style): Style => (value === "full" || value === "long" || value === "medium" || value === "short" ? value : fallback);

function formatDate(self: FilterThis, value: unknown, options: Intl.DateTimeFormatOptions): unknown {
  const s = settings(self);
  const date = toDate(value, s.now);
  if (!date) return value;
  const key = `d\n${s.locale}\n${s.timeZone}\n${JSON.stringify(options)}`;
  return formatter(key, () => new Intl.DateTimeFormat(s.locale, { ...options, timeZone: s.timeZone })).format(date);
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["week", 7 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

// Filters never throw on odd data: one malformed field in an event must not stop the whole email.
const filters = {
  local_date(this: FilterThis, value: unknown, dateStyle?: unknown) {
    return formatDate(this, value, { dateStyle: style(dateStyle, "medium") });
  },
  local_time(this: FilterThis, value: unknown, timeStyle?: unknown) {
    return formatDate(this, value, { timeStyle: style(timeStyle, "short") });
  },
  local_datetime(this: FilterThis, value: unknown, dateStyle?: unknown, timeStyle?: unknown) {
    return formatDate(this, value, { dateStyle: style(dateStyle, "medium"), timeStyle: style(timeStyle, "short") });
  },
  relative_time(this: FilterThis, value: unknown) {
    const s = settings(this);
    const date = toDate(value, s.now);
    if (!date) return value;
    const seconds = (date.getTime() - s.now.getTime()) / 1000;
    const [unit, size] = RELATIVE_UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? ["second", 1];
    return formatter(`r\n${s.locale}`, () => new Intl.RelativeTimeFormat(s.locale, { numeric: "auto" })).format(Math.round(seconds / size), unit);
  },
  currency(this: FilterThis, value: unknown, code?: unknown) {
    const amount = toNumber(value);
    if (amount === undefined) return value;
    const currency = typeof code === "string" ? code.toUpperCase() : "USD";
    try {
      return numberFormat(settings(this).locale, { style: "currency", currency }).format(amount);
    } catch {
      return `${amount} ${currency}`;
    }
  },
  number(this: FilterThis, value: unknown, maxFractionDigits?: unknown) {
    const n = toNumber(value);
    if (n === undefined) return value;
    const digits = toNumber(maxFractionDigits);
    const options = digits === undefined ? {} : { maximumFractionDigits: Math.min(20, Math.max(0, Math.trunc(digits))) };
    return numberFormat(settings(this).locale, options).format(n);
  },
  pluralize(this: FilterThis, value: unknown, singular?: unknown, plural?: unknown) {
    const n = toNumber(value) ?? 0;
    const { locale } = settings(this);
    const word = formatter(`p\n${locale}`, () => new Intl.PluralRules(locale)).select(n) === "one" ? singular : (plural ?? singular);
    return `${numberFormat(locale).format(n)} ${String(word ?? "")}`.trim();
  },
  // Counts code points, not UTF-16 units, so an emoji is never cut in half.
  truncate(value: unknown, length?: unknown, ellipsis?: unknown) {
    const chars = Array.from(String(value ?? ""));
    const max = Math.max(0, Math.trunc(toNumber(length) ?? 50));
    if (chars.length <= max) return chars.join("");
    const tail = Array.from(typeof ellipsis === "string" ? ellipsis : "…");
    return (
      chars
        .slice(0, Math.max(0, max - tail.length))
        .join("")
        .trimEnd() + tail.join("")
    );
  },
  safe_url(value: unknown) {
    const url = String(value ?? "").trim();
    return /^(https?:|mailto:)/i.test(url) ? url : "#";
  },
};

/** Registers Tidings' filters; `sanitize` is raw-flagged in HTML (its output is already safe) and strips tags in text. */
export function registerFilters(engine: Liquid, mode: "html" | "text"): void {
  for (const [name, handler] of Object.entries(filters)) engine.registerFilter(name, handler);
  if (mode === "html") engine.registerFilter("sanitize", { handler: (value: unknown) => sanitizeHtml(String(value ?? "")), raw: true });
  else engine.registerFilter("sanitize", (value: unknown) => stripHtml(String(value ?? "")));
}
