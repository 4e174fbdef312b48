import type { Context } from "hono";
import type { HonoEnv } from "../../../context";
import type { ErrorBody, ErrorCode } from "../../../platform/errors";
import type { ProcessReport } from "../../process";
import { webhookAuthStatus, type WebhookAuthError } from "../../../providers/shared/webhook-errors";
import type { WebhookReceipt } from "./schema";

const CODES: Record<number, ErrorCode> = { 400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 413: "PAYLOAD_TOO_LARGE" };

/**
 * A refusal in the usual envelope, with the status `webhookAuthStatus` gives (503 included, which
 * ApiError has no code for: it means "retry later", which is what a provider should do). The
 * verifier's own code leads the message, so logs and tests can tell the refusals apart.
 */
export function refuse(c: Context<HonoEnv>, status: 400 | 401 | 403 | 404 | 413 | 500 | 503, reason: string, message: string) {
  console.warn(JSON.stringify({ level: "warn", msg: "webhook refused", path: c.req.path, status, reason }));
  const body: ErrorBody = { error: { code: CODES[status] ?? "INTERNAL_SERVER_ERROR", message: `${reason}: ${message}`, requestId: c.get("requestId") ?? "" } };
  return c.json(body, status);
}

export const refuseAuth = (c: Context<HonoEnv>, e: WebhookAuthError) => refuse(c, webhookAuthStatus(e.code), e.code, e.message);

/** Answers a processed batch; the guard's alert POSTs finish after the response. */
export function receipt(c: Context<HonoEnv>, report: ProcessReport, invalid: number) {
  for (const alert of report.alerts) c.executionCtx.waitUntil(alert);
  const body: WebhookReceipt = { received: report.received, stored: report.stored, duplicates: report.duplicates, unmatched: report.unmatched, invalid };
  return c.json(body, 200);
}
