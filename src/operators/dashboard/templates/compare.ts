import type { LocaleVariant } from "../../../render/types";
import type { PartDiff } from "../views/templates/version";
import { diffLines } from "./line-diff";

type Comparable = LocaleVariant & { defaultLocale: string; locales: Record<string, LocaleVariant> };

const PARTS = ["subject", "html", "text"] as const;

const variantOf = (v: Comparable, locale: string): LocaleVariant | undefined => (locale === v.defaultLocale ? v : v.locales[locale]);

/** Every part of every locale either version has, `after` against `before`; null lines where nothing changed. */
export function compareVersions(before: Comparable, after: Comparable): PartDiff[] {
  const locales = [...new Set([after.defaultLocale, before.defaultLocale, ...Object.keys(after.locales), ...Object.keys(before.locales)])];
  return locales.flatMap((locale) =>
    PARTS.map((part) => {
      const old = variantOf(before, locale)?.[part] ?? "";
      const now = variantOf(after, locale)?.[part] ?? "";
      return { locale, part, lines: old === now ? null : diffLines(old, now) };
    }),
  );
}
