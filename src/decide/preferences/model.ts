import { z } from "zod";

/** A category is whatever an organisation puts on its event types: `comments`, `tasks`, `billing`… */
export const Category = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, _ - (e.g. comments)");
export type Category = z.infer<typeof Category>;

export const DeliveryMode = z.enum(["immediate", "digest"]);
export type DeliveryMode = z.infer<typeof DeliveryMode>;

/** Items pile up from the first one for `minutes`; `maxItems` closes the window early; `burst` sends the first at once. */
export const WindowSchedule = z.object({
  kind: z.literal("window"),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  maxItems: z.number().int().min(1).max(1000).default(50),
  burst: z.boolean().default(false),
});
/** Once a day at `hour` (0-23) in the recipient's time zone. */
export const DailySchedule = z.object({ kind: z.literal("daily"), hour: z.number().int().min(0).max(23) });
/** Once a week on `weekday` (0 = Sunday … 6 = Saturday) at `hour` in the recipient's time zone. */
export const WeeklySchedule = z.object({ kind: z.literal("weekly"), hour: z.number().int().min(0).max(23), weekday: z.number().int().min(0).max(6) });

export const DigestSchedule = z.discriminatedUnion("kind", [WindowSchedule, DailySchedule, WeeklySchedule]);
export type DigestSchedule = z.infer<typeof DigestSchedule>;
export type DigestScheduleInput = z.input<typeof DigestSchedule>;

/** Used where neither the recipient nor the organisation chose a schedule. */
export const DEFAULT_DIGEST: DigestSchedule = { kind: "window", minutes: 60, maxItems: 50, burst: false };

/** A recipient's own choices for one category; absent or null means "not chosen". */
export const RecipientChoice = z.object({
  category: Category,
  enabled: z.boolean().nullish(),
  delivery: DeliveryMode.nullish(),
  digest: DigestSchedule.nullish(),
});
export type RecipientChoice = z.infer<typeof RecipientChoice>;

/** An organisation's default for one category. */
export const OrganizationDefault = z.object({
  category: Category,
  enabled: z.boolean(),
  delivery: DeliveryMode,
  digest: DigestSchedule.nullable(),
  locked: z.boolean(),
});
export type OrganizationDefault = z.infer<typeof OrganizationDefault>;

/** Who decided a setting: the recipient, the organisation's default, or Tidings' built-in default. */
export const SettingSource = z.enum(["recipient", "organization", "system"]);
export type SettingSource = z.infer<typeof SettingSource>;

/** One category's settings after defaults, locks and choices are folded together. */
export const EffectiveCategory = z.object({
  enabled: z.boolean(),
  delivery: DeliveryMode,
  digest: DigestSchedule,
  locked: z.boolean(),
  source: z.object({ enabled: SettingSource, delivery: SettingSource, digest: SettingSource }),
});
export type EffectiveCategory = z.infer<typeof EffectiveCategory>;

/**
 * Everything the Decide step needs about one recipient, and what the cache stores. Categories
 * missing from `categories` take `fallback` (the system default: enabled, immediate).
 */
export const ResolvedPreferences = z.object({
  unsubscribedAll: z.boolean(),
  categories: z.record(z.string(), EffectiveCategory),
});
export type ResolvedPreferences = z.infer<typeof ResolvedPreferences>;

/** The rule that decided a notification's fate, recorded on it when it is skipped or batched. */
export const DecisionRule = z.enum([
  "critical",
  "unsubscribed_all",
  "category_locked",
  "recipient_opt_out",
  "organization_opt_out",
  "recipient_digest",
  "organization_digest",
  "recipient_immediate",
  "organization_immediate",
  "system_default",
]);
export type DecisionRule = z.infer<typeof DecisionRule>;

export type Resolution = { action: "send"; rule: DecisionRule } | { action: "skip"; rule: DecisionRule } | { action: "digest"; rule: DecisionRule; digest: DigestSchedule };
