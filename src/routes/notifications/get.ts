import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import type { App } from "../../context";
import { deliveryAttempts, events, notifications, recipients } from "../../db/schema";
import { ApiError } from "../../errors";
import { requireApiKey } from "../../middleware/auth";
import { errorResponses } from "../error-schema";
import { NotificationView } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/notifications/{id}",
  tags: ["notifications"],
  summary: "A notification's status, timestamps and every delivery attempt",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["ingest", "viewer", "editor", "admin"] })] as const,
  request: { params: z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: { description: "The notification", content: { "application/json": { schema: NotificationView } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export type GetNotificationResponse = z.infer<typeof NotificationView>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const registerGetNotification = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    const [row] = await db
      .select({ n: notifications, type: events.type, recipientId: recipients.externalId })
      .from(notifications)
      .innerJoin(events, eq(events.id, notifications.eventId))
      .innerJoin(recipients, eq(recipients.id, notifications.recipientId))
      // Scoped by organisation: another organisation's id is indistinguishable from a missing one.
      .where(and(eq(notifications.id, id), eq(notifications.organizationId, c.get("caller").organizationId)))
      .limit(1);
    if (!row) throw new ApiError("NOT_FOUND", `No notification ${id}.`);
    const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.notificationId, id)).orderBy(asc(deliveryAttempts.createdAt));
    const n = row.n;
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
    };
    return c.json(view, 200);
  });
