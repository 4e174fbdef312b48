import { z } from "@hono/zod-openapi";
import { Category, DeliveryMode, DigestSchedule, SettingSource } from "../../preferences/model";

// Model schemas are nested as they are: `.openapi()` exists only on schemas built after
// @hono/zod-openapi extended zod, and src/decide/preferences/model.ts may load before that.
const scheduleDoc = {
  description:
    "`window`: items collect for `minutes` from the first one (closing early at `maxItems`; `burst` sends the first at once). `daily`/`weekly`: at `hour` (0-23) local time, `weekday` 0 = Sunday.",
};

export const ChoiceView = z.object({ enabled: z.boolean().nullable(), delivery: DeliveryMode.nullable(), digest: DigestSchedule.nullable().openapi(scheduleDoc) });

export const CategoryPreferenceView = z
  .object({
    category: z.string(),
    enabled: z.boolean(),
    delivery: DeliveryMode,
    digest: DigestSchedule,
    locked: z.boolean().openapi({ description: "The organisation locked this category: the recipient's choice is ignored" }),
    critical: z.boolean().openapi({ description: "Every event type of this category is critical: sent whatever the preferences say" }),
    source: z.object({ enabled: SettingSource, delivery: SettingSource, digest: SettingSource }),
    choice: ChoiceView.nullable().openapi({ description: "What the recipient chose themselves (null: nothing)" }),
  })
  .openapi("CategoryPreference");

export const RecipientPreferencesView = z
  .object({
    recipientId: z.string(),
    unsubscribedAll: z.boolean().openapi({ description: "Unsubscribed from all non-critical mail" }),
    textOnly: z.boolean().openapi({ description: "Asked for plain-text email: every email to them has a text part only" }),
    categories: z.array(CategoryPreferenceView),
  })
  .openapi("RecipientPreferences");
export type RecipientPreferencesView = z.infer<typeof RecipientPreferencesView>;

export const ChoicePatchBody = z
  .object({ enabled: z.boolean().nullable(), delivery: DeliveryMode.nullable(), digest: DigestSchedule.nullable().openapi(scheduleDoc) })
  .partial()
  .strict()
  .openapi({ description: "Only the settings given change; null clears the recipient's choice (the organisation's default applies again)" });

export const PutRecipientPreferencesBody = z
  .object({
    unsubscribedAll: z.boolean().optional(),
    textOnly: z.boolean().optional().openapi({ description: "Send this recipient plain-text email only" }),
    categories: z.record(Category, ChoicePatchBody).optional().openapi({ description: "Per category (as on your event types)" }),
  })
  .strict()
  .refine(
    (b) => b.unsubscribedAll !== undefined || b.textOnly !== undefined || Object.keys(b.categories ?? {}).length > 0,
    "give unsubscribedAll, textOnly or at least one category",
  )
  .openapi("PutRecipientPreferencesBody", { example: { categories: { comments: { delivery: "digest", digest: { kind: "daily", hour: 9 } } } } });
export type PutRecipientPreferencesBody = z.input<typeof PutRecipientPreferencesBody>;
