import type { App } from "../../../context";
import { registerTemplateCrud } from "./crud";
import { registerPreviewTemplate } from "./preview";
import { registerPublishTemplate } from "./publish";

export const registerTemplateRoutes = (app: App) => {
  registerTemplateCrud(app);
  registerPublishTemplate(app);
  registerPreviewTemplate(app);
};
