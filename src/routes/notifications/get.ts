import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import type { App } from "../../context";
import { deliveryAttempts, digests, events, notifications, recipients } from "../../db/schema";
import { ApiError } from "../../errors";
import { requireApiKey } from "../../middleware/auth";
import { listDigestEvents, listNotificationEvents } from "../../notifications/provider-events";
import { errorResponses } from "../error-schema";
import { NotificationView } from "./schema";
import { iso, providerEventView } from "./view";

const route = createRoute({
  method: "get",
  path: "/v1/notifications/{id}",
  tags: ["notifications"],
  summary: "A notification's status, timestamps, every delivery attempt and every provider event",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["ingest", "viewer", "editor", "admin"] })] as const,
  request: { params: z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: { description: "The notification", content: { "application/json": { schema: NotificationView } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export type GetNotificationResponse = z.infer<typeof NotificationView>;

export const registerGetNotification = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    const organizationId = c.get("caller").organizationId;
    const [row] = await db
      .select({ n: notifications, type: events.type, recipientId: recipients.externalId, digest: digests })
      .from(notifications)
      .innerJoin(events, eq(events.id, notifications.eventId))
      .innerJoin(recipients, eq(recipients.id, notifications.recipientId))
      // The window's row is written by its Durable Object and may land a moment after the item is marked.
      .leftJoin(digests, and(eq(digests.id, notifications.digestId), eq(digests.organizationId, notifications.organizationId)))
      // Scoped by organisation: another organisation's id is indistinguishable from a missing one.
      .where(and(eq(notifications.id, id), eq(notifications.organizationId, organizationId)))
      .limit(1);
    if (!row) throw new ApiError("NOT_FOUND", `No notification ${id}.`);
    const n = row.n;
    const d = row.digest;
    const [attempts, providerEvents, digestEvents] = await Promise.all([
      db.select().from(deliveryAttempts).where(eq(deliveryAttempts.notificationId, id)).orderBy(asc(deliveryAttempts.createdAt)),
      listNotificationEvents(db, organizationId, id),
      d ? listDigestEvents(db, organizationId, d.id) : [],
    ]);
    const view: GetNotificationResponse = {
      id: n.id,
      eventId: n.eventId,
      type: row.type,
      recipientId: row.recipientId,
      status: n.status,
      priority: n.priority,
      provider: n.provider,
      providerMessageId: n.providerMessageId,
      templateVersion: n.templateVersion,
      failureReason: n.failureReason,
      decisionRule: n.decisionRule,
      digest: d
        ? { id: d.id, kind: d.kind, status: d.status, itemCount: d.itemCount, dueAt: d.dueAt.toISOString(), sentAt: iso(d.sentAt), provider: d.provider, providerMessageId: d.providerMessageId, failureReason: d.failureReason, events: digestEvents.map(providerEventView) }
        : null,
      createdAt: n.createdAt.toISOString(),
      queuedAt: iso(n.queuedAt),
      sentAt: iso(n.sentAt),
      failedAt: iso(n.failedAt),
      attempts: attempts.map((a) => ({
        provider: a.provider,
        outcome: a.outcome,
        httpStatus: a.httpStatus,
        providerMessageId: a.providerMessageId,
        latencyMs: a.latencyMs,
        error: a.error,
        at: a.createdAt.toISOString(),
      })),
      events: providerEvents.map(providerEventView),
    };
    return c.json(view, 200);
  });
