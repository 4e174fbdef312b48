import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../context";
import { pauseBeforeRefusing, rateLimited } from "../../platform/http/rate-limit";
import { ApiError, errorResponses } from "../../platform/errors";
import { acceptEvent } from "../accept-event";
import { requireApiKey } from "../../platform/http/auth";
import { enqueueAccepted, enqueueScheduled } from "../../send/enqueue";
import { AcceptedEvent, CreateEventBody, MAX_SEND_AT_DAYS } from "../schema";

const route = createRoute({
  method: "post",
  path: "/v1/events",
  operationId: "createEvent",
  tags: ["events"],
  summary: "Accept a business event and create its notifications",
  description:
    "Stores the event, upserts its recipients (by your id) and creates one notification per recipient and matching rule of the event type (one per recipient for an event type without rules) in one transaction, then queues them (or holds them as `scheduled` until `sendAt`); what happens to each (sent now, digested, skipped) is decided later and shown by GET /v1/notifications/{id}. The same idempotency key (body or Idempotency-Key header) answers with the first event's ids and `duplicate: true`. Roles: ingest, admin. Errors: 400 when the Idempotency-Key header and the body's idempotencyKey differ; 409 when an idempotency key comes again with different content; 422 for an event type the organisation does not have or a sendAt more than 30 days ahead; 429 when the organisation's recipients per second are spent (see Retry-After).",
  security: [{ bearer: [] }],
  // Bodies are limited app-wide to 512 KiB (src/platform/http/request-limits.ts): 1000 recipients with names and a few KiB of data fit.
  middleware: [requireApiKey({ roles: ["ingest", "admin"] })] as const,
  request: {
    headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }),
    body: { content: { "application/json": { schema: CreateEventBody } }, required: true },
  },
  responses: {
    202: { description: "Accepted (or, with `duplicate: true`, accepted before)", content: { "application/json": { schema: AcceptedEvent } } },
    ...errorResponses(400, 401, 403, 409, 413, 422, 429),
  },
});

export type CreateEventRequest = z.input<typeof CreateEventBody>;
export type CreateEventResponse = z.infer<typeof AcceptedEvent>;

export const registerCreateEvent = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const headerKey = c.req.valid("header")["idempotency-key"];
    if (headerKey && body.idempotencyKey && headerKey !== body.idempotencyKey) {
      throw new ApiError("BAD_REQUEST", "The Idempotency-Key header and body field disagree.", [{ path: "idempotencyKey", message: "differs from the Idempotency-Key header" }]);
    }
    const idempotencyKey = body.idempotencyKey ?? headerKey;
    const services = c.get("services");
    const { db } = services;
    // An organisation pays for its recipients, not its requests: one event to a thousand people costs a thousand.
    const limit = await services.rateLimits.take("organizationRecipients", c.get("caller").organizationId, body.recipients.length);
    if (!limit.allowed) {
      await pauseBeforeRefusing(limit.retryAfterSeconds, services.env.RATE_LIMIT_REFUSAL_PAUSE_MS);
      throw rateLimited(limit.retryAfterSeconds, "recipients for this organisation");
    }
    const [hashKeys, sealingKeys] = await Promise.all([services.keys.emailHashes(), services.keys.sealing()]);
    const result = await acceptEvent(
      db,
      c.get("caller").organizationId,
      { ...body, ...(idempotencyKey ? { idempotencyKey } : {}) },
      {
        emailHashKey: hashKeys?.current.key,
        emailHashKeyId: hashKeys?.current.id,
        sealingKeys,
        now: services.clock.now(),
        eventTypeCacheSeconds: services.env.EVENT_TYPE_CACHE_SECONDS,
      },
    );
    if (!result.ok) {
      const e = result.error;
      if (e.code === "unknown_event_type") {
        throw new ApiError("UNPROCESSABLE_ENTITY", `No event type "${e.type}" in this organisation.`, [{ path: "type", message: "unknown event type" }]);
      }
      if (e.code === "send_at_too_far") {
        throw new ApiError("UNPROCESSABLE_ENTITY", `sendAt ${e.sendAt} is more than ${MAX_SEND_AT_DAYS} days ahead (latest ${e.latest}).`, [
          { path: "sendAt", message: `at most ${MAX_SEND_AT_DAYS} days ahead` },
        ]);
      }
      throw new ApiError("CONFLICT", `Idempotency key "${e.idempotencyKey}" was already used with different content.`, [
        { path: "idempotencyKey", message: "reused with different content" },
      ]);
    }
    const accepted = result.value;
    if (accepted.conditionErrors.length > 0) {
      services.log.warn("rule conditions failed to evaluate; those rules did not match", { eventId: accepted.eventId, errors: accepted.conditionErrors.slice(0, 10) });
    }
    if (!accepted.duplicate) {
      for (const priority of ["high", "normal"] as const) {
        const ids = accepted.notifications.filter((n) => accepted.priorities.get(n.id) === priority).map((n) => n.id);
        if (accepted.sendAt) {
          // Best effort: the sweeper releases scheduled rows when due whether or not this message arrives.
          await enqueueScheduled(services, priority, ids, accepted.sendAt);
          continue;
        }
        const sent = await enqueueAccepted(services, priority, ids);
        if (!sent.ok) {
          // The rows are committed and back to `pending`: the sweeper enqueues them, so the event is accepted.
          for (const n of accepted.notifications) if (ids.includes(n.id)) n.status = "pending";
          services.log.error("enqueue after commit failed", { eventId: accepted.eventId, error: sent.error });
        }
      }
    }
    const response: CreateEventResponse = { eventId: accepted.eventId, duplicate: accepted.duplicate, notifications: accepted.notifications };
    return c.json(response, 202);
  });
