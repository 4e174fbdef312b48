import { and, asc, eq, isNull, notInArray, sql } from "drizzle-orm";
import { compileCondition } from "../ingest/rule-condition";
import type { Database } from "../platform/db/client";
import { notificationRules, templates } from "../platform/db/schema";
import { err, ok, type Result } from "../platform/result";
import type { NotificationRuleInput, NotificationRuleView } from "./notification-rules-schema";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export type EventTypeRefusal =
  | { code: "unknown_template" | "unpublished_template"; path: string; template: string }
  | { code: "invalid_condition"; path: string; rule: string; message: string; column: number };

export type TemplateRef = { id: string; key: string; publishedVersion: number | null };

/** A rule as it is stored: its template resolved, the event type's defaults filled in. */
export type RuleRow = {
  key: string;
  templateId: string;
  category: string;
  priority: "normal" | "high";
  critical: boolean;
  condition: string | null;
  throttleLimit: number | null;
  throttleWindowSeconds: number | null;
  throttleOverflow: "skip" | "digest";
};

/** The template a rule or event type names at `path`, which must exist and have a published version. */
export function resolveTemplate(found: Map<string, TemplateRef>, key: string, path: string): Result<TemplateRef, EventTypeRefusal> {
  const template = found.get(key);
  if (!template) return err({ code: "unknown_template", path, template: key });
  if (template.publishedVersion === null) return err({ code: "unpublished_template", path, template: key });
  return ok(template);
}

/**
 * Checks every rule (templates, conditions) before anything is written, and fills in the event
 * type's category, priority and critical flag where a rule leaves them out: defaults are taken when
 * the rule is saved, so a rule keeps what it was saved with when the event type later changes.
 */
export function resolveRules(
  rules: NotificationRuleInput[],
  defaults: { category: string; priority: "normal" | "high"; critical: boolean },
  found: Map<string, TemplateRef>,
): Result<RuleRow[], EventTypeRefusal> {
  const rows: RuleRow[] = [];
  for (const [i, rule] of rules.entries()) {
    const template = resolveTemplate(found, rule.template, `rules.${i}.template`);
    if (!template.ok) return template;
    if (rule.condition !== undefined) {
      const compiled = compileCondition(rule.condition);
      if (!compiled.ok) return err({ code: "invalid_condition", path: `rules.${i}.condition`, rule: rule.key, ...compiled.error });
    }
    rows.push({
      key: rule.key,
      templateId: template.value.id,
      category: rule.category ?? defaults.category,
      priority: rule.priority ?? defaults.priority,
      critical: rule.critical ?? defaults.critical,
      condition: rule.condition ?? null,
      throttleLimit: rule.throttle?.limit ?? null,
      throttleWindowSeconds: rule.throttle?.windowSeconds ?? null,
      throttleOverflow: rule.throttle?.overflow ?? "skip",
    });
  }
  return ok(rows);
}

/**
 * Makes `rules` the event type's active rules, in their order: a rule whose key stays keeps its
 * row (notifications already refer to it), a new key is inserted, and a key no longer listed is
 * archived rather than deleted, since notifications written under it still render with its
 * template. Returns the archived keys.
 */
export async function replaceRules(tx: Tx, organizationId: string, eventTypeId: string, rules: RuleRow[]): Promise<string[]> {
  const keys = rules.map((r) => r.key);
  const archived = await tx
    .update(notificationRules)
    .set({ archivedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(notificationRules.eventTypeId, eventTypeId), isNull(notificationRules.archivedAt), keys.length > 0 ? notInArray(notificationRules.key, keys) : undefined))
    .returning({ key: notificationRules.key });
  if (rules.length > 0) {
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    await tx
      .insert(notificationRules)
      .values(rules.map((rule, position) => ({ organizationId, eventTypeId, position, ...rule })))
      .onConflictDoUpdate({
        target: [notificationRules.eventTypeId, notificationRules.key],
        targetWhere: isNull(notificationRules.archivedAt),
        set: {
          position: excluded("position"),
          templateId: excluded("template_id"),
          category: excluded("category"),
          priority: excluded("priority"),
          critical: excluded("critical"),
          condition: excluded("condition"),
          throttleLimit: excluded("throttle_limit"),
          throttleWindowSeconds: excluded("throttle_window_seconds"),
          throttleOverflow: excluded("throttle_overflow"),
          updatedAt: sql`now()`,
        },
      });
  }
  return archived.map((a) => a.key).sort();
}

/** The organisation's active rules, by event type id, each list in evaluation order. */
export async function listActiveRules(db: Database, organizationId: string): Promise<Map<string, NotificationRuleView[]>> {
  const rows = await db
    .select({
      eventTypeId: notificationRules.eventTypeId,
      key: notificationRules.key,
      template: templates.key,
      category: notificationRules.category,
      priority: notificationRules.priority,
      critical: notificationRules.critical,
      condition: notificationRules.condition,
      limit: notificationRules.throttleLimit,
      windowSeconds: notificationRules.throttleWindowSeconds,
      overflow: notificationRules.throttleOverflow,
    })
    .from(notificationRules)
    .innerJoin(templates, eq(templates.id, notificationRules.templateId))
    .where(and(eq(notificationRules.organizationId, organizationId), isNull(notificationRules.archivedAt)))
    .orderBy(asc(notificationRules.eventTypeId), asc(notificationRules.position));
  const byType = new Map<string, NotificationRuleView[]>();
  for (const { eventTypeId, limit, windowSeconds, overflow, ...rule } of rows) {
    const throttle = limit !== null && windowSeconds !== null ? { limit, windowSeconds, overflow } : null;
    byType.set(eventTypeId, [...(byType.get(eventTypeId) ?? []), { ...rule, throttle }]);
  }
  return byType;
}
