import { defaultOptions, type TagToken, Tokenizer, type TopLevelToken, TypeGuards } from "liquidjs";

export const IMPLICIT_LAYOUT = '{% layout "branding" %}';

export function tokenize(source: string, file?: string): TopLevelToken[] {
  return new Tokenizer(source, defaultOptions.operators, file).readTopLevelTokens(defaultOptions);
}

export const isBlockSuper = (token: TopLevelToken) => TypeGuards.isOutputToken(token) && token.content === "block.super";

/** Names passed to `{% layout %}` (static names only; `none` excluded). */
export function layoutNames(tokens: TopLevelToken[]): string[] {
  return tokens
    .filter((t): t is TagToken => TypeGuards.isTagToken(t) && t.name === "layout")
    .map(
      (t) =>
        t.args
          .trim()
          .split(/\s+/)[0]
          ?.replace(/^["']|["']$/g, "") ?? "",
    )
    .filter((name) => name !== "none");
}

const hasLayoutTag = (source: string) => tokenize(source).some((t) => TypeGuards.isTagToken(t) && t.name === "layout");

/**
 * A template without `{% layout %}` is placed in the branding layout, so bodies written before
 * layouts existed (and the demo templates) still get the header and the footer with its links.
 */
export function withLayout(source: string): string {
  return hasLayoutTag(source) ? source : IMPLICIT_LAYOUT + source;
}

/**
 * `{{ block.super }}` gets `| raw`: it is markup the parent layout rendered, and with
 * `outputEscape: "escape"` liquidjs would otherwise escape it into visible tags. Only render
 * uses this; validation parses the author's source, so error positions stay exact.
 */
export function rawBlockSuper(source: string): string {
  let out = "";
  let last = 0;
  for (const token of tokenize(source)) {
    if (!isBlockSuper(token) || !TypeGuards.isOutputToken(token)) continue;
    const end = token.contentRange[1];
    out += `${source.slice(last, end)} | raw`;
    last = end;
  }
  return out + source.slice(last);
}
