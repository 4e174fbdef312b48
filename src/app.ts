import { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "./context";
import { ApiError, handleError, handleZodError } from "./errors";
import { init } from "./middleware/init";
import { registerAnalyticsRoutes } from "./routes/analytics";
import { registerAuditLogRoutes } from "./routes/audit-log";
import { registerDevOutbox } from "./routes/dev/outbox";
import { registerEventRoutes } from "./routes/events";
import { registerNotificationRoutes } from "./routes/notifications";
import { registerEventTypeRoutes } from "./routes/event-types";
import { registerLayoutRoutes } from "./routes/layouts";
import { registerOrganizationRoutes } from "./routes/organization";
import { registerPreferenceDefaultRoutes } from "./routes/preference-defaults";
import { registerPreferenceRoutes } from "./routes/preferences";
import { registerProviderRoutes } from "./routes/providers";
import { registerSendingRoutes } from "./routes/sending";
import { registerSuppressionRoutes } from "./routes/suppressions";
import { registerRecipientPageRoutes } from "./routes/recipient-pages";
import { registerTemplateRoutes } from "./routes/templates";
import { registerWebhookRoutes } from "./routes/webhooks";

export function newApp() {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: handleZodError });
  app.onError(handleError);
  app.notFound(() => {
    throw new ApiError("NOT_FOUND", "No such route.");
  });
  app.use("*", init());
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get("/health", (c) => c.json({ ok: true }));
  registerEventRoutes(app);
  registerNotificationRoutes(app);
  registerProviderRoutes(app);
  registerOrganizationRoutes(app);
  registerTemplateRoutes(app);
  registerLayoutRoutes(app);
  registerEventTypeRoutes(app);
  registerPreferenceRoutes(app);
  registerPreferenceDefaultRoutes(app);
  registerRecipientPageRoutes(app);
  registerWebhookRoutes(app);
  registerSuppressionRoutes(app);
  registerSendingRoutes(app);
  registerAuditLogRoutes(app);
  registerAnalyticsRoutes(app);
  registerDevOutbox(app);
  app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "Tidings", version: "0.1.0" } });
  return app;
}
