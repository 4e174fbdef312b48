import type { App } from "../../../context";
import { registerAnalytics } from "./analytics";

/** The analytics page and the pages that act as the API does: keys, domains, suppressions, alerts, sending. */
export const registerOperationsPages = (app: App) => {
  registerAnalytics(app);
};
