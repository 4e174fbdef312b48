import type { Context } from "hono";
import type { HonoEnv } from "../../context";
import { ApiError, ERROR_CODE_HEADER, type FieldError } from "../errors";

/** The refusals a person's page can show; anything else is the envelope for everyone. */
export type PageRefusal = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";
type PageStatus = 400 | 401 | 403 | 404;
const pageStatus = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404 } as const satisfies Record<PageRefusal, PageStatus>;

/**
 * Whether a person's browser is asking: browsers send `Accept: text/html` on every navigation and
 * form post; API clients, scanners and mailbox providers do not (or ask for JSON).
 */
export const wantsPage = (c: Context<HonoEnv>): boolean => /\btext\/html\b/i.test(c.req.header("accept") ?? "");

/**
 * A refusal on a route people open in a browser (recipients' pages, the dashboard). A browser gets
 * a page it can show, with the code in `Tidings-Error-Code`; every other client the JSON error
 * envelope, as on the API: one contract for machines whichever route they call.
 */
export async function refuse(c: Context<HonoEnv>, code: PageRefusal, message: string, page: (status: PageStatus) => Promise<Response>, fields?: FieldError[]): Promise<Response> {
  if (!wantsPage(c)) throw new ApiError(code, message, fields);
  c.header(ERROR_CODE_HEADER, code);
  return page(pageStatus[code]);
}
