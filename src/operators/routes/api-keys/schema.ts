import { z } from "@hono/zod-openapi";
import { apiKeyRoles } from "../../../platform/db/schema";

/** The longest grace a rotation may give the old key: a week covers a release cycle; longer is a second key, not a rotation. */
export const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;

const Role = z
  .enum(apiKeyRoles)
  .openapi({ description: "ingest posts events and reads notifications; viewer reads; editor also changes templates and settings; admin also manages keys and providers" });

export const ApiKeyView = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The 8 hex digits after `tid_`, to tell keys apart; the key itself is never shown again", example: "3f9a1c2e" }),
    role: Role,
    status: z.enum(["active", "expired", "revoked"]).openapi({ description: "Whether the key works now" }),
    createdAt: z.string().datetime(),
    expiresAt: z.string().datetime().nullable().openapi({ description: "When the key stops working (401 KEY_EXPIRED); set at creation or by a rotation's grace period" }),
    revokedAt: z.string().datetime().nullable().openapi({ description: "When the key was revoked (401 KEY_REVOKED)" }),
    replacedBy: z.string().uuid().nullable().openapi({ description: "The key a rotation replaced this one with" }),
  })
  .openapi("ApiKey");
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const ApiKeyList = z
  .object({ keys: z.array(ApiKeyView).openapi({ description: "Every key of the organisation, newest first, revoked and expired ones included" }) })
  .openapi("ApiKeyList");
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ description: "What the key is for, e.g. the service that holds it" }),
    role: Role,
    expiresAt: z.string().datetime({ offset: true }).optional().openapi({ description: "When the key stops working; in the future. Without it the key works until revoked" }),
  })
  .openapi("CreateApiKeyBody", { example: { name: "billing service", role: "ingest", expiresAt: "2027-01-31T00:00:00Z" } });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const CreatedApiKey = ApiKeyView.extend({
  key: z.string().openapi({ description: "The key. Shown only in this answer: only its SHA-256 is stored", example: "tid_3f9a1c2e_…" }),
}).openapi("CreatedApiKey");
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const RotateApiKeyBody = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_SECONDS)
      .optional()
      .openapi({
        description: `How long the old key keeps working, in seconds: default ${DEFAULT_GRACE_SECONDS} (24 hours), at most ${MAX_GRACE_SECONDS} (7 days); 0 ends it at once`,
      }),
  })
  .openapi("RotateApiKeyBody", { example: { graceSeconds: 3600 } });
export type RotateApiKeyBody = z.infer<typeof RotateApiKeyBody>;

export const RotatedApiKey = CreatedApiKey.extend({
  replaced: ApiKeyView.openapi({ description: "The old key, now with its `expiresAt` (end of the grace) and `replacedBy`" }),
}).openapi("RotatedApiKey");
export type RotatedApiKey = z.infer<typeof RotatedApiKey>;

export const ApiKeyParams = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: "id", in: "path" }, description: "The key's id (from the list), not the key" }),
});
