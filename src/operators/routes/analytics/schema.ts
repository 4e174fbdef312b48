import { z } from "@hono/zod-openapi";
import { groupings } from "../../analytics/groups";
import { DEFAULT_RANGE_DAYS, isReportZone, MAX_RANGE_DAYS } from "../../analytics/range";

const isDateOrDateTime = (v: string) => z.iso.date().safeParse(v).success || z.iso.datetime({ offset: true }).safeParse(v).success;
const Instant = z.string().max(40).refine(isDateOrDateTime, { message: "Expected an ISO date (2026-03-01) or date-time with offset (2026-03-01T09:00:00Z)" });

export const AnalyticsQuery = z.object({
  from: Instant.optional().openapi({
    description: `Start, included. A bare date is the start of that day in \`timezone\`. Default: ${DEFAULT_RANGE_DAYS} days before \`to\``,
    example: "2026-03-01",
  }),
  to: Instant.optional().openapi({
    description: `End, excluded. A bare date means the end of that day in \`timezone\` (the day is included). Default: now. At most ${MAX_RANGE_DAYS} days after \`from\``,
    example: "2026-03-07",
  }),
  groupBy: z.enum(groupings).default("day").openapi({ description: "Rows per local day, per provider, per both, or per event type" }),
  timezone: z
    .string()
    .max(64)
    .refine(isReportZone, { message: "Expected an IANA time zone such as Europe/Berlin" })
    .optional()
    .openapi({ description: "IANA zone whose local days the rows are; default: the organisation's", example: "Asia/Tokyo" }),
});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

const emails = (what: string) =>
  z
    .number()
    .int()
    .openapi({
      description: `Emails (notifications and digests) with at least one ${what} event in the range, each counted once, on the day of its first such event; by delivery_events.occurred_at`,
    });
const decided = (status: string) =>
  z
    .number()
    .int()
    .openapi({ description: `Notifications created in the range whose status is \`${status}\` (no email sent)` });

export const AnalyticsFigures = z.object({
  sent: z.number().int().openapi({ description: "Notifications a provider accepted in the range, by sent_at; digests are in digestsSent" }),
  delivered: emails("delivered"),
  bounced: emails("bounced (hard or soft)"),
  complained: emails("complaint"),
  opened: emails("opened"),
  clicked: emails("clicked"),
  failed: z.number().int().openapi({ description: "Notifications that failed for good in the range, by failed_at" }),
  suppressed: decided("suppressed"),
  skipped: decided("skipped"),
  batched: decided("batched"),
  cancelled: z
    .number()
    .int()
    .openapi({ description: "Notifications created in the range that their event's cancellation key took back before a provider had them (no email sent)" }),
  digestsSent: z.number().int().openapi({ description: "Digest emails a provider accepted in the range, by sent_at" }),
  latencyMs: z.object({ p50: z.number().int(), p95: z.number().int() }).nullable().openapi({
    description:
      "Milliseconds from the event's arrival to the provider accepting the notification (sent_at − event created_at), interpolated percentiles over the notifications counted in sent; digests excluded (they wait on purpose); null when nothing was sent",
  }),
});

export const AnalyticsRow = AnalyticsFigures.extend({
  day: z.string().optional().openapi({ description: "Local day (YYYY-MM-DD) in `timezone`; present when grouping by day", example: "2026-03-01" }),
  provider: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: "Present when grouping by provider; null for notifications that never reached one (suppressed, skipped, batched, cancelled, some failures)" }),
  eventType: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: "Present when grouping by eventType: the event type's key; null for digest emails, which gather several", example: "comment.created" }),
}).openapi("AnalyticsRow");
export type AnalyticsRow = z.infer<typeof AnalyticsRow>;

export const Analytics = z
  .object({
    from: z.string().datetime(),
    to: z.string().datetime().openapi({ description: "Excluded" }),
    timezone: z.string(),
    groupBy: z.enum(groupings),
    rows: z.array(AnalyticsRow).openapi({ description: "Groups with something in them, by day then provider" }),
    totals: AnalyticsFigures.openapi({ description: "The whole range; the counters are the sums of the rows, the latency is over all of it" }),
  })
  .openapi("Analytics");
export type Analytics = z.infer<typeof Analytics>;
