import { type AnyColumn, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { err, ok, type Result } from "../result";

/**
 * Where a page ended, for lists ordered newest first on (created_at, id): the last row's created_at
 * and id. The time keeps PostgreSQL's microseconds (a JS Date has milliseconds), or rows written
 * within the same millisecond would be skipped or repeated across pages.
 */
export const KeysetCursor = z.object({
  at: z.string().datetime({ precision: 6 }),
  id: z.string().uuid(),
});
export type KeysetCursor = z.infer<typeof KeysetCursor>;

export function encodeCursor(cursor: KeysetCursor): string {
  return btoa(JSON.stringify(cursor)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Cursors are opaque to callers, so anything we did not hand out is simply "not a cursor". */
export function decodeCursor(text: string): Result<KeysetCursor, "unparsable"> {
  try {
    const parsed = KeysetCursor.safeParse(JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/"))));
    return parsed.success ? ok(parsed.data) : err("unparsable");
  } catch {
    return err("unparsable");
  }
}

/** A timestamptz as the cursor's `at`: UTC with all six fractional digits. */
export const preciseAt = (column: AnyColumn) => sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Rows after `cursor` in (created_at desc, id desc) order. Spelled as a bound on created_at plus a
 * tie-break rather than one row comparison, so an index ending in created_at can seek to the
 * cursor: PostgreSQL uses `(a, b) < (x, y)` as an index bound only when the index holds both.
 */
export const olderThan = (createdAt: AnyColumn, id: AnyColumn, cursor: KeysetCursor): SQL =>
  sql`(${createdAt} <= ${cursor.at}::timestamptz AND (${createdAt} < ${cursor.at}::timestamptz OR ${id} < ${cursor.id}::uuid))`;
