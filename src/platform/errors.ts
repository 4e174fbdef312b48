import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { HonoEnv } from "../context";
import { log } from "./log";
import { describeError, stackFrames } from "./redact/errors";
import { reportError } from "./monitoring/sentry";

export const ErrorCode = z.enum([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "KEY_EXPIRED",
  "KEY_REVOKED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNPROCESSABLE_ENTITY",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export function codeToStatus(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "BAD_REQUEST":
      return 400;
    case "UNAUTHORIZED":
    case "KEY_EXPIRED":
    case "KEY_REVOKED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNPROCESSABLE_ENTITY":
      return 422;
    case "RATE_LIMITED":
      return 429;
    case "INTERNAL_SERVER_ERROR":
      return 500;
    case "SERVICE_UNAVAILABLE":
      return 503;
  }
}

/** The code of a status this API answers with; anything else is our fault. */
export function statusToCode(status: number): ErrorCode {
  return ErrorCode.options.find((code) => codeToStatus(code) === status) ?? "INTERNAL_SERVER_ERROR";
}

/** One failing input: where it is (dotted path) and what is wrong with it. */
export const FieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** The one error body of every route, webhooks and pages' API errors included. */
export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: ErrorCode.openapi({ example: "BAD_REQUEST" }),
      message: z.string(),
      requestId: z.string(),
      fields: z.array(FieldError).optional(),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorEnvelope>;

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  /** Response headers the refusal needs (Retry-After on a 429). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, fields?: FieldError[], headers: Record<string, string> = {}) {
    super(codeToStatus(code), { message });
    this.code = code;
    this.fields = fields;
    this.headers = headers;
  }
}

/** The response header that carries an error's stable code: on every envelope and on people's error pages (http/page-refusal.ts). */
export const ERROR_CODE_HEADER = "Tidings-Error-Code";

/** Renders the one envelope, for errors thrown as ApiError and for zod's failures alike. */
export function renderError(c: Context<HonoEnv>, code: ErrorCode, message: string, fields?: FieldError[]): Response {
  const body: ErrorBody = { error: { code, message, requestId: c.get("requestId") ?? "", ...(fields ? { fields } : {}) } };
  c.header(ERROR_CODE_HEADER, code);
  return c.json(body, codeToStatus(code));
}

export function handleError(error: Error, c: Context<HonoEnv>) {
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return renderError(c, error.code, error.message, error.fields);
  }
  if (error instanceof HTTPException) {
    // Hono's own exceptions (e.g. the body-limit middleware) keep their status.
    const code: ErrorCode = error.status === 413 ? "PAYLOAD_TOO_LARGE" : error.status === 401 ? "UNAUTHORIZED" : "BAD_REQUEST";
    return renderError(c, code, error.message);
  }
  reportError(error, { requestId: c.get("requestId") ?? "", route: c.req.routePath });
  // The error's kind, code, SQL text and causes, and the stack's frames: never its message lines as
  // thrown, which for a failed query hold every bound parameter (src/platform/redact/errors.ts).
  (c.get("services")?.log ?? log).error("unhandled", { requestId: c.get("requestId"), error: describeError(error), stack: stackFrames(error) });
  return renderError(c, "INTERNAL_SERVER_ERROR", "Something went wrong on our side; the request id helps us find it.");
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** `defaultHook` of every validated route: zod failures render as the same envelope, status 400. */
export function handleZodError(result: { success: true } | { success: false; error: z.ZodError }, c: Context<HonoEnv>) {
  if (!result.success) return renderError(c, "BAD_REQUEST", "The request is not valid; see fields.", fieldErrors(result.error));
  return undefined;
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

/**
 * OpenAPI responses for the error statuses a route can answer, all with the one envelope. A route
 * that takes an API key (401) can also answer 429: every key is rate limited.
 */
export const errorResponses = (...statuses: ErrorStatus[]) =>
  Object.fromEntries(
    [...new Set<ErrorStatus>([...statuses, ...(statuses.includes(401) ? [429 as const] : [])])].map((s) => [
      s,
      { description: "Error", content: { "application/json": { schema: ErrorEnvelope } } },
    ]),
  ) as Record<number, { description: string; content: { "application/json": { schema: typeof ErrorEnvelope } } }>;
