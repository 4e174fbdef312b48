import { type SQL, sql } from "drizzle-orm";

export const groupings = ["day", "provider", "day,provider", "eventType"] as const;
export type Grouping = (typeof groupings)[number];

/** What one report covers: always one organisation, `[from, to)`, days as local days in `timeZone`. */
export type Scope = { organizationId: string; from: Date; to: Date; timeZone: string; groupBy: Grouping };

/** A row as every analytics query returns it: its group, or the totals row (`total`), and some counters. */
export type GroupRow = { day: string | null; provider: string | null; eventType: string | null; total: boolean };

/** Where a row's group comes from: its instant, its provider, and its event type's key (NULL for a digest). */
export type GroupSources = { at: SQL; provider: SQL; eventType: SQL };

const has = (scope: Scope, part: "day" | "provider" | "eventType") => scope.groupBy.split(",").includes(part);

/**
 * The `day`, `provider` and `eventType` columns of an inner query, NULL where the grouping leaves
 * them out (so an event type's look-up runs only when asked for). The outer query groups by these
 * output columns: repeating the expressions in GROUP BY would not work, because each copy binds its
 * own time-zone parameter and PostgreSQL sees different expressions.
 */
export function groupColumns(scope: Scope, { at, provider, eventType }: GroupSources): SQL {
  const day = has(scope, "day") ? sql`to_char(${at} AT TIME ZONE ${scope.timeZone}, 'YYYY-MM-DD')` : sql`NULL::text`;
  const by = has(scope, "provider") ? provider : sql`NULL::text`;
  const type = has(scope, "eventType") ? eventType : sql`NULL::text`;
  return sql`${day} AS day, ${by} AS provider, ${type} AS "eventType"`;
}

/** The groups and, in the same pass, the totals row (percentiles cannot be summed from the groups). */
export const groupedWithTotals = sql`GROUP BY GROUPING SETS ((day, provider, "eventType"), ())`;
export const groupSelect = sql`day, provider, "eventType", grouping(day, provider, "eventType") = 7 AS total`;

/** An event type's key from a notification's `event_type_id`. */
export const eventTypeOf = (eventTypeId: SQL): SQL => sql`(SELECT et.key FROM event_types et WHERE et.id = ${eventTypeId})`;

export const inRange = (column: SQL, scope: Scope): SQL => sql`${column} >= ${scope.from.toISOString()}::timestamptz AND ${column} < ${scope.to.toISOString()}::timestamptz`;
