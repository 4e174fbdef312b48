import { z } from "@hono/zod-openapi";

/** `/v1/recipients/{id}/…`: the organisation's own id for the person, as sent on events. */
export const RecipientParams = z.object({
  id: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "id", in: "path" }, description: "Your own id for the recipient", example: "user_42" }),
});
