import type { App } from "../../context";
import { registerCreateEvent } from "./create";

export const registerEventRoutes = (app: App) => {
  registerCreateEvent(app);
};
