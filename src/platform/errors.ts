import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { HonoEnv } from "../context";
import { log } from "./log";

export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNPROCESSABLE_ENTITY"
  | "RATE_LIMITED"
  | "INTERNAL_SERVER_ERROR";

export function codeToStatus(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "BAD_REQUEST":
      return 400;
    case "UNAUTHORIZED":
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
  }
}

/** One failing input: where it is (dotted path) and what is wrong with it. */
export type FieldError = { path: string; message: string };

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;

  constructor(code: ErrorCode, message: string, fields?: FieldError[]) {
    super(codeToStatus(code), { message });
    this.code = code;
    this.fields = fields;
  }
}

export type ErrorBody = {
  error: { code: ErrorCode; message: string; requestId: string; fields?: FieldError[] };
};

function render(c: Context<HonoEnv>, code: ErrorCode, message: string, fields?: FieldError[]) {
  const body: ErrorBody = { error: { code, message, requestId: c.get("requestId") ?? "", ...(fields ? { fields } : {}) } };
  return c.json(body, codeToStatus(code));
}

export function handleError(error: Error, c: Context<HonoEnv>) {
  if (error instanceof ApiError) return render(c, error.code, error.message, error.fields);
  if (error instanceof HTTPException) {
    // Hono's own exceptions (e.g. the body-limit middleware) keep their status.
    const code: ErrorCode = error.status === 413 ? "PAYLOAD_TOO_LARGE" : error.status === 401 ? "UNAUTHORIZED" : "BAD_REQUEST";
    return render(c, code, error.message);
  }
  (c.get("services")?.log ?? log).error("unhandled", { requestId: c.get("requestId"), error: String(error.stack ?? error), cause: String((error as { cause?: unknown }).cause ?? "") });
  return render(c, "INTERNAL_SERVER_ERROR", "Something went wrong on our side; the request id helps us find it.");
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** `defaultHook` of every validated route: zod failures render as the same envelope, status 400. */
export function handleZodError(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context<HonoEnv>,
) {
  if (!result.success) {
    return render(c, "BAD_REQUEST", "The request is not valid; see fields.", fieldErrors(result.error));
  }
  return undefined;
}
