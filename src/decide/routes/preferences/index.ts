import type { App } from "../../../context";
import { registerGetRecipientPreferences } from "./get";
import { registerPutRecipientPreferences } from "./put";

export const registerPreferenceRoutes = (app: App) => {
  registerGetRecipientPreferences(app);
  registerPutRecipientPreferences(app);
};
