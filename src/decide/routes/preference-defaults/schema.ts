import { z } from "@hono/zod-openapi";
import { Category, DeliveryMode, DigestSchedule } from "../../preferences/model";

export const PreferenceDefaultView = z
  .object({
    category: z.string(),
    enabled: z.boolean(),
    delivery: DeliveryMode,
    digest: DigestSchedule.nullable().openapi({ description: "null: a 60-minute window" }),
    locked: z.boolean(),
    configured: z.boolean().openapi({ description: "false: the organisation set nothing, so Tidings' default applies (enabled, immediate)" }),
  })
  .openapi("PreferenceDefault");

export const PreferenceDefaultsView = z.object({ categories: z.array(PreferenceDefaultView) }).openapi("PreferenceDefaults");
export type PreferenceDefaultsView = z.infer<typeof PreferenceDefaultsView>;

export const DefaultPatchBody = z.object({ enabled: z.boolean(), delivery: DeliveryMode, digest: DigestSchedule.nullable(), locked: z.boolean() }).partial().strict();

export const PutPreferenceDefaultsBody = z
  .object({
    categories: z
      .record(Category, DefaultPatchBody.nullable())
      .refine((r) => Object.keys(r).length > 0, "give at least one category")
      .openapi({ description: "Per category, the settings to change (others stay); null removes the category's default" }),
  })
  .strict()
  .openapi("PutPreferenceDefaultsBody", {
    example: { categories: { comments: { delivery: "digest", digest: { kind: "window", minutes: 30, maxItems: 20, burst: true } }, billing: { locked: true } } },
  });
export type PutPreferenceDefaultsBody = z.input<typeof PutPreferenceDefaultsBody>;
