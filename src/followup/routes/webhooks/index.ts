import type { App } from "../../../context";
import { registerMailgunWebhook } from "./mailgun";
import { registerSesWebhook } from "./ses";
import { registerSendGridWebhook } from "./sendgrid";

/** No API key on these routes: each provider's signature is the authentication. */
export const registerWebhookRoutes = (app: App) => {
  registerSendGridWebhook(app);
  registerMailgunWebhook(app);
  registerSesWebhook(app);
};
