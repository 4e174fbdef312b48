import { type SQL, sql } from "drizzle-orm";

export const groupings = ["day", "provider", "day,provider"] as const;
export type Grouping = (typeof groupings)[number];

/** What one report covers: always one organisation, `[from, to)`, days as local days in `timeZone`. */
export type Scope = { organizationId: string; from: Date; to: Date; timeZone: string; groupBy: Grouping };

/** A row as every analytics query returns it: its group, or the totals row (`total`), and some counters. */
export type GroupRow = { day: string | null; provider: string | null; total: boolean };

/**
 * The `day` and `provider` columns of an inner query, NULL where the grouping leaves them out. The
 * outer query groups by these output columns: repeating the expressions in GROUP BY would not
 * work, because each copy binds its own time-zone parameter and PostgreSQL sees different expressions.
 */
export function groupColumns(scope: Scope, at: SQL, provider: SQL): SQL {
  const day = scope.groupBy === "provider" ? sql`NULL::text` : sql`to_char(${at} AT TIME ZONE ${scope.timeZone}, 'YYYY-MM-DD')`;
  const by = scope.groupBy === "day" ? sql`NULL::text` : provider;
  return sql`${day} AS day, ${by} AS provider`;
}

/** The groups and, in the same pass, the totals row (percentiles cannot be summed from the groups). */
export const groupedWithTotals = sql`GROUP BY GROUPING SETS ((day, provider), ())`;
export const groupSelect = sql`day, provider, grouping(day, provider) = 3 AS total`;

export const inRange = (column: SQL, scope: Scope): SQL => sql`${column} >= ${scope.from.toISOString()}::timestamptz AND ${column} < ${scope.to.toISOString()}::timestamptz`;
