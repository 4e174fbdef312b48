import type { Context } from "hono";
import { ApiError } from "../errors";

/** A form body (urlencoded or multipart); another content type reads as empty, a broken one as a 400. */
export async function readForm(c: Context): Promise<Record<string, string | string[]>> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    throw new ApiError("BAD_REQUEST", "The form body could not be read.");
  }
  // Uploaded files have no business here; dropping them keeps the rest typed as text.
  const text = (v: unknown) => (typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? text(v) : (text(v)[0] ?? "")]));
}
