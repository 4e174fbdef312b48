import { bodyLimit } from "hono/body-limit";
import type { App } from "../../context";
import { securityHeaders } from "../../platform/http/security-headers";
import { registerPreferencesGet } from "./preferences-get";
import { registerPreferencesPost } from "./preferences-post";
import { registerUnsubscribeGet } from "./unsubscribe-get";
import { registerUnsubscribePost } from "./unsubscribe-post";

/** Recipients' pages: HTML for people and mailbox providers, outside the JSON API and its OpenAPI document. */
export const registerRecipientPageRoutes = (app: App) => {
  for (const path of ["/u/*", "/p/*"]) {
    app.use(path, securityHeaders());
    // A one-click body is 26 bytes and the preference form a few hundred: 64 KiB is plenty.
    app.use(path, bodyLimit({ maxSize: 64 * 1024 }));
  }
  registerUnsubscribeGet(app);
  registerUnsubscribePost(app);
  registerPreferencesGet(app);
  registerPreferencesPost(app);
};
