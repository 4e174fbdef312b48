import { z } from "zod";

/** Hex only: the colour is written into CSS, where a free-form value could close the rule and add its own. */
export const HexColour = z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "must be a hex colour like #2563eb");

export const DEFAULT_PRIMARY_COLOUR = "#2563eb";

/** Page wording an organisation may override, per language: any subset of the built-in strings, plus category names. */
export const PageStringOverrides = z.record(
  z.string().regex(/^[a-z]{2,3}$/),
  z.object({ categories: z.record(z.string(), z.string().max(80)).optional() }).catchall(z.string().max(500)),
);
export type PageStringOverrides = z.infer<typeof PageStringOverrides>;

/**
 * An organisation's branding: what `PATCH /v1/organization` takes, `organizations.branding`
 * stores, layouts and templates read as `brand.*`, and the recipients' pages and links use.
 */
export const Branding = z.object({
  logoUrl: z.url({ protocol: /^https$/ }).nullish(),
  primaryColor: HexColour.optional(),
  footerText: z.string().max(500).nullish(),
  postalAddress: z.string().max(300).nullish(),
  customCss: z.string().max(20_000).nullish(),
  /** An address that reads unsubscribe requests; added to List-Unsubscribe as a mailto. */
  unsubscribeMailto: z.email().nullish(),
  /** Per-language overrides of the recipients' pages' wording and category names. */
  pageStrings: PageStringOverrides.optional(),
});
export type Branding = z.infer<typeof Branding>;

/**
 * Stored branding read field by field: a value written before a rule existed (or by hand) spoils
 * only itself, never the email or the page.
 */
export function readBranding(stored: unknown): Branding {
  const raw: Record<string, unknown> = typeof stored === "object" && stored !== null ? (stored as Record<string, unknown>) : {};
  const read: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(Branding.shape)) {
    const parsed = schema.safeParse(raw[field]);
    if (parsed.success && parsed.data !== undefined) read[field] = parsed.data;
  }
  return read as Branding;
}
