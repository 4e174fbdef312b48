import { z } from "zod";
import type { BaseError } from "../platform/result";
import { Branding, DEFAULT_PRIMARY_COLOUR, HexColour } from "./branding-schema";

// Only http(s) reaches an href or src: `javascript:` and `data:` URLs from configuration never render.
const WebUrl = z.url({ protocol: /^https?$/ });

/** A liquid layout as stored: its id and version key the parse caches, so a version's source must never change. */
export const LayoutSource = z.object({ id: z.string().min(1), version: z.number().int().nonnegative(), source: z.string() });
export type LayoutSource = z.infer<typeof LayoutSource>;

/** The organisation's branding values, available to layouts and templates as `brand.*`. */
export const BrandingValues = Branding.pick({ logoUrl: true, footerText: true, postalAddress: true, customCss: true }).extend({
  name: z.string().min(1),
  primaryColor: HexColour.default(DEFAULT_PRIMARY_COLOUR),
});
export type BrandingValues = z.infer<typeof BrandingValues>;

export const LocaleVariant = z.object({ subject: z.string(), html: z.string(), text: z.string().nullish() });
export type LocaleVariant = z.infer<typeof LocaleVariant>;

/** One version of an event type's template; `locales` maps a BCP 47 tag (`pt-BR`, `pt`) to its translation. */
export const TemplateVersion = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  defaultLocale: z.string().min(2).default("en"),
  subject: z.string(),
  html: z.string(),
  text: z.string().nullish(),
  locales: z.record(z.string(), LocaleVariant).default({}),
});
export type TemplateVersion = z.input<typeof TemplateVersion>;

export const RenderRecipient = z.object({
  email: z.string().min(3),
  name: z.string().nullish(),
  locale: z.string().nullish(),
  timezone: z.string().nullish(),
  textOnly: z.boolean().default(false),
});

/** Absent for critical mail (password reset, security alert): the footer then shows no unsubscribe link. */
export const RenderLinks = z.object({ unsubscribeUrl: WebUrl.optional(), preferencesUrl: WebUrl.optional() });

export const RenderInput = z.object({
  /** The system base layout (templates/base.liquid unless a test passes another). */
  base: LayoutSource,
  /** The organisation's layout extending `base`; absent means templates/branding.liquid. */
  branding: z.object({ layout: LayoutSource.nullish(), values: BrandingValues }),
  template: TemplateVersion,
  recipient: RenderRecipient,
  data: z.record(z.string(), z.unknown()),
  links: RenderLinks.default({}),
  /** Reference time for `relative_time`; tests pin it, production passes nothing. */
  now: z.date().optional(),
  /** `per-email` forces inlining after every render (the benchmark compares both). */
  inlining: z.enum(["auto", "per-email"]).default("auto"),
});
export type RenderInput = z.input<typeof RenderInput>;
export type ParsedRenderInput = z.output<typeof RenderInput>;

export type InliningMode = "per-version" | "per-email";

/** What a provider needs from rendering; `html` is absent for recipients who asked for plain text only. */
export type RenderedEmail = {
  subject: string;
  html?: string;
  text: string;
  templateVersion: { id: string; version: number };
  /** The template variant used: the recipient's locale, its language, or the template's default. */
  locale: string;
  inlining: InliningMode;
  /** Why this version could not be inlined once (a preview can show it to the template's author). */
  inliningReason?: string;
};

/** Rendering is deterministic: an error here recurs on every retry, hence `retry: false`. */
export type RenderError = BaseError<"INVALID_INPUT" | "TEMPLATE"> & {
  retry: false;
  context: { templateId?: string; version?: number; part?: TemplatePart; line?: number; column?: number };
};

export type TemplatePart = "subject" | "html" | "text";

/** One problem found when publishing; line and column are 1-based positions in the named part's source. */
export type ValidationIssue = { message: string; part: TemplatePart; line?: number; column?: number };
