import type { App } from "../../../context";
import { limitByIp } from "../../../platform/http/rate-limit";
import { securityHeaders } from "../../../platform/http/security-headers";
import { registerAudit } from "./audit";
import { registerOperationsPages } from "./operations";
import { registerLoginGet } from "./login-get";
import { registerLoginPost } from "./login-post";
import { registerLogout } from "./logout";
import { registerNotification } from "./notification";
import { registerOverview } from "./overview";
import { registerRecipients } from "./recipients";
import { registerSuppressions } from "./suppressions";

/**
 * The operators' dashboard: HTML over the same queries and changes as the admin API, outside its
 * OpenAPI document. The recipients' pages' headers apply (no script, nonce'd style, no framing),
 * with no images at all.
 */
export const registerDashboardRoutes = (app: App) => {
  // Hono's "/dashboard/*" also matches "/dashboard" itself.
  app.use("/dashboard/*", securityHeaders({ imgSrc: "'none'" }));
  app.use("/dashboard/login", limitByIp("ipLogin"));
  registerLoginGet(app);
  registerLoginPost(app);
  registerLogout(app);
  registerOverview(app);
  registerRecipients(app);
  registerNotification(app);
  registerAudit(app);
  registerSuppressions(app);
  registerOperationsPages(app);
};
