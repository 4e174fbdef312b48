import juice from "juice";

/**
 * Media queries, @font-face, keyframes and :hover rules cannot live in a style attribute and Gmail
 * drops inlined @media, so they stay in one <style> block; everything else is inlined and removed.
 */
const JUICE_OPTIONS: juice.Options = {
  preserveMediaQueries: true,
  preserveFontFaces: true,
  preserveKeyFrames: true,
  preservePseudos: true,
  preserveImportant: true,
  removeStyleTags: true,
  insertPreservedExtraCss: true,
  applyWidthAttributes: true,
  applyHeightAttributes: true,
  applyAttributesTableElements: true,
};

/** The organisation's custom CSS, made unable to close the <style> element it is written into. */
export function safeCustomCss(css: string | null | undefined): string {
  return (css ?? "").replace(/</g, "");
}

/** Adds the custom CSS after the layouts' own, so the organisation's rules win ties. */
export function withCustomCss(html: string, css: string): string {
  if (!css) return html;
  const block = `<style>${css}</style>`;
  const at = html.search(/<\/head>/i);
  return at < 0 ? block + html : html.slice(0, at) + block + html.slice(at);
}

export function inlineCss(html: string, css = ""): string {
  return juice(withCustomCss(html, css), JUICE_OPTIONS);
}
