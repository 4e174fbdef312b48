import type { App } from "../../../context";
import { registerGetNotification } from "./get";
import { registerRecipientHistory } from "./history";

export const registerNotificationRoutes = (app: App) => {
  registerGetNotification(app);
  registerRecipientHistory(app);
};
