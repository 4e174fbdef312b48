export { DEFAULT_BRANDING_LAYOUT, DIGEST_TEMPLATE, LAYOUT_NAMES, SYSTEM_BASE_LAYOUT } from "./layouts";
export { renderNotification } from "./render-notification";
export {
  BrandingValues,
  LayoutSource,
  LocaleVariant,
  RenderInput,
  type RenderError,
  type RenderedEmail,
  type TemplatePart,
  TemplateVersion,
  type ValidationIssue,
} from "./types";
export { type Preview, validateLayout, validateTemplate, ValidateTemplateInput } from "./validate-template";
