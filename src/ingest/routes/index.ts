import type { App } from "../../context";
import { registerCreateEvent } from "./create-event";

export const registerEventRoutes = (app: App) => {
  registerCreateEvent(app);
};
