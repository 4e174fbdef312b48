import { z } from "@hono/zod-openapi";

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "BAD_REQUEST" }),
      message: z.string(),
      requestId: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

export const errorResponses = (...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429)[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: "Error", content: { "application/json": { schema: ErrorEnvelope } } }]),
  ) as Record<number, { description: string; content: { "application/json": { schema: typeof ErrorEnvelope } } }>;
