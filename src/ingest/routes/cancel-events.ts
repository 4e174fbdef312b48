import { createRoute, type z } from "@hono/zod-openapi";
import type { App } from "../../context";
import { ApiError, errorResponses } from "../../platform/errors";
import { requireApiKey } from "../../platform/http/auth";
import { cancelEvents } from "../cancel-events";
import { CancellationKeyParams, CancelReport } from "../cancel-schema";

const route = createRoute({
  method: "delete",
  path: "/v1/events/cancel/{key}",
  operationId: "cancelEvents",
  tags: ["events"],
  summary: "Cancel the notifications of events posted with a cancellation key",
  description:
    "Takes back every notification of this organisation's events posted with `cancellationKey` equal to `key` that has not reached a provider yet: `scheduled` (waiting for sendAt), `pending`, `queued`, `paused` (held while sending is paused), and `batched` into a digest window that is still open (the item leaves the window; the digest goes out with the rest, its count and subject following, or not at all when nothing is left). Those end `cancelled` with decisionRule `cancelled_by_key` and are never sent. The rest are listed in `notCancelled` with the reason: already accepted by a provider, being sent at this moment (a send and a cancel racing end in exactly one of the two), in a digest that has closed, or already decided. Idempotent: cancelling again answers 200 and lists them as `already_cancelled`. Written to the audit log as `event.cancel` (counts only) when something was cancelled. Roles: ingest, admin. Errors: 400 for a key longer than 255 characters; 404 when no event of this organisation carries the key.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["ingest", "admin"] })] as const,
  request: { params: CancellationKeyParams },
  responses: {
    200: { description: "What was cancelled, and what was not and why", content: { "application/json": { schema: CancelReport } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export type CancelEventsResponse = z.infer<typeof CancelReport>;

export const registerCancelEvents = (app: App) =>
  app.openapi(route, async (c) => {
    const result = await cancelEvents(c.get("services"), c.get("caller"), c.req.valid("param").key);
    if (!result.ok) throw new ApiError(result.error.code, result.error.message);
    const response: CancelEventsResponse = result.value;
    return c.json(response, 200);
  });
