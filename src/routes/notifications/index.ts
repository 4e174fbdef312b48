import type { App } from "../../context";
import { registerGetNotification } from "./get";

export const registerNotificationRoutes = (app: App) => {
  registerGetNotification(app);
};
