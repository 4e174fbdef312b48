import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { attemptView } from "../../notifications/attempt-view";
import { loadNotificationDetail } from "../../notifications/detail";
import { NotificationView } from "./schema";
import { iso, providerEventView } from "./view";

const route = createRoute({
  method: "get",
  path: "/v1/notifications/{id}",
  operationId: "getNotification",
  tags: ["notifications"],
  summary: "A notification's status, timestamps, every delivery attempt and every provider event",
  description:
    "Where one notification stands: its status (pending → queued → sending → sent | failed, or a decision instead of a send: suppressed, skipped, batched, paused; `scheduled` while it waits for the event's sendAt or the end of quiet hours; `cancelled` when the event's cancellation key took it back; then delivered, bounced or complained as provider webhooks report), the template version used, the failure reason, the preference rule that decided it, every delivery attempt, every provider event, and for a batched one the digest it joined. Roles: ingest, viewer, editor, admin. Errors: 404 for an unknown notification or another organisation's.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["ingest", "viewer", "editor", "admin"] })] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .uuid()
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    200: { description: "The notification", content: { "application/json": { schema: NotificationView } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export type GetNotificationResponse = z.infer<typeof NotificationView>;

export const registerGetNotification = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const detail = await loadNotificationDetail(c.get("services").db, c.get("caller").organizationId, id);
    if (!detail) throw new ApiError("NOT_FOUND", `No notification ${id}.`);
    const { notification: n, digest: d, attempts } = detail;
    const view: GetNotificationResponse = {
      id: n.id,
      eventId: n.eventId,
      type: detail.type,
      rule: detail.rule,
      recipientId: detail.recipientId,
      status: n.status,
      priority: n.priority,
      provider: n.provider,
      providerMessageId: n.providerMessageId,
      templateVersion: n.templateVersion,
      failureReason: n.failureReason,
      decisionRule: n.decisionRule,
      digest: d
        ? {
            id: d.id,
            kind: d.kind,
            status: d.status,
            itemCount: d.itemCount,
            dueAt: d.dueAt.toISOString(),
            sentAt: iso(d.sentAt),
            provider: d.provider,
            providerMessageId: d.providerMessageId,
            failureReason: d.failureReason,
            events: detail.digestEvents.map(providerEventView),
          }
        : null,
      createdAt: n.createdAt.toISOString(),
      queuedAt: iso(n.queuedAt),
      sentAt: iso(n.sentAt),
      failedAt: iso(n.failedAt),
      attempts: attempts.map(attemptView),
      events: detail.events.map(providerEventView),
    };
    return c.json(view, 200);
  });
