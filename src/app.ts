import { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "./context";
import { ApiError, handleError, handleZodError } from "./platform/errors";
import { init } from "./platform/http/init";
import { keyGate } from "./platform/http/key-gate";
import { requestLimits } from "./platform/http/request-limits";
import { createServices } from "./services";
import { registerAlertRoutes } from "./operators/routes/alerts";
import { registerAnalyticsRoutes } from "./operators/routes/analytics";
import { registerApiKeyRoutes } from "./operators/routes/api-keys";
import { registerAuditLogRoutes } from "./operators/routes/audit-log";
import { registerHealthRoutes } from "./operators/routes/health";
import { registerDashboardRoutes } from "./operators/dashboard/routes";
import { registerDevOutbox } from "./providers/capture/routes";
import { registerApiReferenceRoutes } from "./operators/routes/docs";
import { registerEventRoutes } from "./ingest/routes";
import { registerNotificationRoutes } from "./operators/routes/notifications";
import { registerEventTypeRoutes } from "./operators/routes/event-types";
import { registerLayoutRoutes } from "./render/routes/layouts";
import { registerOrganizationRoutes } from "./operators/routes/organization";
import { registerDomainRoutes } from "./operators/routes/domains";
import { registerPreferenceDefaultRoutes } from "./decide/routes/preference-defaults";
import { registerPreferenceRoutes } from "./decide/routes/preferences";
import { registerProviderRoutes } from "./operators/routes/providers";
import { registerRecipientRoutes } from "./operators/routes/recipients";
import { registerSendingRoutes } from "./followup/routes/sending";
import { registerSuppressionRoutes } from "./followup/routes/suppressions";
import { registerRecipientPageRoutes } from "./recipient-pages/routes";
import { registerTemplateRoutes } from "./render/routes/templates";
import { registerWebhookRoutes } from "./followup/routes/webhooks";

/** What /openapi.json says about itself; `npm run client:generate` builds the same document without a request. */
export const openApiConfig = { openapi: "3.1.0", info: { title: "Tidings", version: "0.1.0" } } as const;

export function newApp() {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: handleZodError });
  app.onError(handleError);
  app.notFound(() => {
    throw new ApiError("NOT_FOUND", "No such route.");
  });
  app.use("*", init({ createServices }));
  // Before the body checks: a key over its limits is refused without its body being read.
  app.use("/v1/*", keyGate());
  // One body limit per request (hono's limiter cannot be stacked): a one-click body is 26 bytes and
  // the preference form a few hundred; the dashboard's forms are smaller still.
  app.use(
    "*",
    requestLimits({
      smaller: [
        [/^\/(u|p)\//, 64 * 1024],
        [/^\/dashboard(\/|$)/, 16 * 1024],
      ],
    }),
  );
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  registerHealthRoutes(app);
  registerEventRoutes(app);
  registerNotificationRoutes(app);
  registerProviderRoutes(app);
  registerOrganizationRoutes(app);
  registerDomainRoutes(app);
  registerTemplateRoutes(app);
  registerLayoutRoutes(app);
  registerEventTypeRoutes(app);
  registerPreferenceRoutes(app);
  registerPreferenceDefaultRoutes(app);
  registerRecipientRoutes(app);
  registerRecipientPageRoutes(app);
  registerDashboardRoutes(app);
  registerWebhookRoutes(app);
  registerSuppressionRoutes(app);
  registerSendingRoutes(app);
  registerAuditLogRoutes(app);
  registerAlertRoutes(app);
  registerApiKeyRoutes(app);
  registerAnalyticsRoutes(app);
  registerDevOutbox(app);
  registerApiReferenceRoutes(app);
  app.doc31("/openapi.json", openApiConfig);
  return app;
}
