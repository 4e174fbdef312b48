import { z } from "@hono/zod-openapi";

export const SendingState = z
  .object({
    paused: z.boolean(),
    pausedAt: z.string().datetime().nullable(),
    pausedReason: z.string().nullable(),
    resumedAt: z.string().datetime().nullable().openapi({ description: "The last resume; the rates judge only mail sent after it" }),
    held: z.number().int().openapi({ description: "Emails (notifications and digests) held while paused, sent on resume" }),
    rates: z.object({
      sample: z.number().int().openapi({ description: "Sent emails judged (notifications and digest emails): the last `window` since the last resume, or fewer" }),
      bounced: z.number().int(),
      complained: z.number().int(),
      bounceRate: z.number(),
      complaintRate: z.number(),
    }),
    guard: z.object({ window: z.number().int(), minSample: z.number().int(), bounceRateThreshold: z.number(), complaintRateThreshold: z.number() }),
    queue: z
      .object({
        notifications: z.object({ pending: z.number().int(), queued: z.number().int(), sending: z.number().int() }),
        digests: z
          .object({ queued: z.number().int(), sending: z.number().int() })
          .openapi({ description: "Digest emails due and not yet sent; open digest windows are not counted" }),
        oldestWaitingSeconds: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "Age of the oldest pending or queued notification, from when its event was accepted; null when none waits" }),
      })
      .openapi({ description: "The organisation's mail on its way to a provider" }),
  })
  .openapi("SendingState");
export type SendingState = z.infer<typeof SendingState>;

export const ResumeResult = z
  .object({
    wasPaused: z.boolean(),
    requeued: z.number().int(),
    enqueueFailures: z.number().int().openapi({ description: "Left pending; the sweeper enqueues them within minutes" }),
  })
  .openapi("ResumeResult");
