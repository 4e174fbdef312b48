import type { App } from "../../context";
import { registerCancelEvents } from "./cancel-events";
import { registerCreateEvent } from "./create-event";

export const registerEventRoutes = (app: App) => {
  registerCreateEvent(app);
  registerCancelEvents(app);
};
