import { z } from "@hono/zod-openapi";
import { AlertKind } from "../../../platform/alerts/fire";
import { CursorParam } from "../../../platform/pagination/query";

export const AlertsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorParam,
  kind: AlertKind.optional().openapi({ description: "Only alerts of this kind" }),
});
export type AlertsQuery = z.infer<typeof AlertsQuery>;

export const AlertView = z
  .object({
    id: z.string().uuid(),
    kind: z.string().openapi({ description: `One of ${AlertKind.options.join(", ")}; new kinds may be added`, example: "bounce_guard" }),
    subject: z.string(),
    message: z.string(),
    condition: z.string().nullable().openapi({ description: "What tells conditions of one kind apart (a provider circuit, an email kind); one alert per condition per window" }),
    details: z.record(z.string(), z.unknown()).openapi({ description: "Counts, thresholds and example ids behind the alert" }),
    firedAt: z.string().datetime(),
  })
  .openapi("Alert");
export type AlertView = z.infer<typeof AlertView>;

export const AlertsPage = z
  .object({ entries: z.array(AlertView), nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last" }) })
  .openapi("AlertsPage", {
    example: {
      entries: [
        {
          id: "0b0f6f55-3c55-4a4e-9a59-2f1f0b7f2a10",
          kind: "bounce_guard",
          subject: "Sending paused by the bounce-rate guard",
          message:
            "Non-critical sending is paused: bounce rate 3.40% over the last 1000 sent emails reached the threshold of 3.00%. Clean the list, then resume with POST /v1/sending/resume.",
          condition: null,
          details: { sample: 1000, bounced: 34, complained: 0 },
          firedAt: "2026-11-27T10:00:00.000Z",
        },
      ],
      nextCursor: null,
    },
  });
export type AlertsPage = z.infer<typeof AlertsPage>;
