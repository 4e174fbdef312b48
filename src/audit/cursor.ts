import { z } from "zod";
import { err, ok, type Result } from "../result";

/**
 * Where a page of the audit log ended: the last entry's created_at and id. The time keeps
 * PostgreSQL's microseconds (a JS Date has milliseconds), or entries written within the same
 * millisecond would be skipped or repeated across pages.
 */
export const AuditCursor = z.object({
  at: z.string().datetime({ precision: 6 }),
  id: z.string().uuid(),
});
export type AuditCursor = z.infer<typeof AuditCursor>;

export function encodeCursor(cursor: AuditCursor): string {
  return btoa(JSON.stringify(cursor)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Cursors are opaque to callers, so anything we did not hand out is simply "not a cursor". */
export function decodeCursor(text: string): Result<AuditCursor, "unparsable"> {
  try {
    const parsed = AuditCursor.safeParse(JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/"))));
    return parsed.success ? ok(parsed.data) : err("unparsable");
  } catch {
    return err("unparsable");
  }
}
