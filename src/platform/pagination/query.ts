import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { decodeCursor, type KeysetCursor } from "./cursor";

export const CursorParam = z.string().min(1).max(500).optional().openapi({ description: "`nextCursor` of the previous page; opaque" });

/** The `cursor` query parameter as a position, or a 400 naming it: zod sees only a string. */
export function readCursor(text: string | undefined): KeysetCursor | undefined {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor.ok) throw new ApiError("BAD_REQUEST", "The cursor is not one this API handed out.", [{ path: "cursor", message: "unparsable cursor" }]);
  return cursor.value;
}
