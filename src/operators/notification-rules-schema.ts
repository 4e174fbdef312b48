import { z } from "@hono/zod-openapi";
import { MAX_CONDITION_LENGTH } from "../ingest/rule-condition";
import { throttleOverflows } from "../platform/db/schema/notification-rules";

/** Each rule is evaluated for every recipient of every event: a short list keeps ingest cheap. */
export const MAX_RULES_PER_EVENT_TYPE = 20;
export const MAX_THROTTLE_WINDOW_SECONDS = 30 * 86_400;

export const CATEGORY = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, _ - (e.g. comments)");
const RULE_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const RuleThrottle = z
  .object({
    limit: z.number().int().min(1).max(1000).openapi({ description: "At most this many emails of the rule per recipient per window", example: 3 }),
    windowSeconds: z.number().int().min(60).max(MAX_THROTTLE_WINDOW_SECONDS).openapi({ description: "The window, 60 seconds to 30 days", example: 3600 }),
    overflow: z.enum(throttleOverflows).default("skip").openapi({ description: "What a notification over the limit becomes: skipped, or an item of the recipient's digest" }),
  })
  .openapi("RuleThrottle");

export const NotificationRuleInput = z
  .object({
    key: z.string().regex(RULE_KEY, "lower-case letters, digits, _ - (e.g. owner-alert)").openapi({ description: "Names the rule within its event type", example: "owner-alert" }),
    template: z.string().min(1).max(200).openapi({ description: "The key of one of the organisation's templates with a published version" }),
    category: CATEGORY.optional().openapi({ description: "Defaults to the event type's category" }),
    priority: z.enum(["normal", "high"]).optional().openapi({ description: "Defaults to the event type's priority" }),
    critical: z.boolean().optional().openapi({ description: "Defaults to the event type's critical flag" }),
    condition: z.string().max(MAX_CONDITION_LENGTH).optional().openapi({
      description:
        'A liquid expression over `data` and `recipient` (comparisons, contains, and, or); left out, the rule matches every recipient. Only false and nil are false, so a missing field never matches a comparison. E.g. recipient.role == "owner" and data.amount > 1000',
      example: 'recipient.role == "owner" and data.amount > 1000',
    }),
    throttle: RuleThrottle.optional(),
  })
  .openapi("NotificationRuleInput");
export type NotificationRuleInput = z.infer<typeof NotificationRuleInput>;

export const NotificationRules = z
  .array(NotificationRuleInput)
  .max(MAX_RULES_PER_EVENT_TYPE)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `rule key ${rule.key} appears more than once` });
      seen.add(rule.key);
    });
  });

export const NotificationRuleView = z
  .object({
    key: z.string(),
    template: z.string(),
    category: z.string(),
    priority: z.enum(["normal", "high"]),
    critical: z.boolean(),
    condition: z.string().nullable(),
    throttle: RuleThrottle.nullable(),
  })
  .openapi("NotificationRule");
export type NotificationRuleView = z.infer<typeof NotificationRuleView>;
