import type { App } from "../../context";
import { limitByIp } from "../../platform/http/rate-limit";
import { securityHeaders } from "../../platform/http/security-headers";
import { registerPreferencesGet } from "./preferences-get";
import { registerPreferencesPost } from "./preferences-post";
import { registerUnsubscribeGet } from "./unsubscribe-get";
import { registerUnsubscribePost } from "./unsubscribe-post";

/** Recipients' pages: HTML for people and mailbox providers, outside the JSON API and its OpenAPI document. */
export const registerRecipientPageRoutes = (app: App) => {
  for (const path of ["/u/*", "/p/*"]) {
    app.use(path, securityHeaders());
    app.use(path, limitByIp("ipPages"));
  }
  registerUnsubscribeGet(app);
  registerUnsubscribePost(app);
  registerPreferencesGet(app);
  registerPreferencesPost(app);
};
