import type { deliveryAttempts } from "../../platform/db/schema";

export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;

/**
 * One provider call as operators read it: in a notification's detail (GET /v1/notifications/{id})
 * and in a recipient's export. It lives here, not beside providerEventView in routes/notifications,
 * because the export is below the HTTP layer and may not import a route module (scripts/check-layout.mjs).
 */
export const attemptView = (a: DeliveryAttemptRow) => ({
  provider: a.provider,
  outcome: a.outcome,
  httpStatus: a.httpStatus,
  providerMessageId: a.providerMessageId,
  latencyMs: a.latencyMs,
  error: a.error,
  at: a.createdAt.toISOString(),
});
