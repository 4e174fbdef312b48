import type { App } from "../../../context";
import { registerAnalytics } from "./analytics";
import { registerAlerts } from "./alerts";
import { registerDomains } from "./domains";
import { registerKeys } from "./keys";
import { registerSending } from "./sending";

/** The analytics page and the pages that act as the API does: keys, domains, suppressions, alerts, sending. */
export const registerOperationsPages = (app: App) => {
  registerAnalytics(app);
  registerKeys(app);
  registerSending(app);
  registerAlerts(app);
  registerDomains(app);
};
