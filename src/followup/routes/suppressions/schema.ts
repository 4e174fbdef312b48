import { z } from "@hono/zod-openapi";
import { SuppressionAddress } from "../../suppression-remove";
import { suppressionReasons } from "../../../platform/db/schema/suppressions";

export const SuppressionView = z
  .object({
    email: z.string().nullable().openapi({ description: "Known when one of your recipients has this address; the list itself stores only the hash" }),
    emailHash: z.string().openapi({ description: "Keyed HMAC-SHA256 of the lower-cased address" }),
    reason: z.enum(suppressionReasons),
    softBounces: z.number().int(),
    detail: z.string().nullable().openapi({ description: "The provider's diagnostic, or your note" }),
    suppressedAt: z.string().datetime(),
  })
  .openapi("Suppression");
export type SuppressionView = z.infer<typeof SuppressionView>;

export const SuppressionList = z
  .object({ suppressions: z.array(SuppressionView), next: z.string().uuid().nullable().openapi({ description: "Pass as `after` for the next page" }) })
  .openapi("SuppressionList");
export type SuppressionList = z.infer<typeof SuppressionList>;

export const ListSuppressionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().uuid().optional(),
  email: SuppressionAddress.optional().openapi({ description: "Only this address" }),
});

export const CreateSuppressionBody = z
  .object({
    email: SuppressionAddress,
    reason: z.literal("manual").openapi({ description: "Only manual entries are added by hand; bounces and complaints come from the providers" }),
    note: z.string().max(500).optional(),
  })
  .openapi("CreateSuppressionBody", { example: { email: "someone@example.com", reason: "manual", note: "asked by phone" } });
export type CreateSuppressionBody = z.infer<typeof CreateSuppressionBody>;

export const EmailParams = z.object({
  email: SuppressionAddress.openapi({ param: { name: "email", in: "path" }, example: "person@example.com" }),
});

export const DeleteSuppressionQuery = z.object({
  force: z.enum(["true", "false"]).default("false").openapi({ description: "Admin keys only: also remove a hard bounce or complaint" }),
});
