import sanitize from "sanitize-html";
import { htmlToText } from "./html-to-text";

const COLOR = [/^#[0-9a-f]{3,8}$/i, /^rgba?\(\s*[\d.%\s,]+\)$/i, /^[a-z]{3,20}$/i];

/**
 * The allow-list for user-supplied HTML (comments, descriptions) put into an email with `| sanitize`.
 * Formatting, lists, tables, links and images survive; scripts, styles, frames, forms, event
 * handlers and every URL scheme but http(s) (and mailto for links) do not.
 *
 * `data:` URLs are refused even for images: Gmail and Outlook drop data-URI images anyway, an
 * `image/svg+xml` one can carry script into viewers that open it, and base64 bodies push a message
 * past Gmail's 102 KB clipping limit. Inline `style` keeps a few properties whose values are checked,
 * so `expression(...)` and `url(...)` never get through.
 */
const OPTIONS: sanitize.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "del",
    "ins",
    "sub",
    "sup",
    "small",
    "mark",
    "code",
    "pre",
    "blockquote",
    "q",
    "abbr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "span",
    "div",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    img: ["src", "alt", "title", "width", "height"],
    td: ["colspan", "rowspan", "align"],
    th: ["colspan", "rowspan", "align", "scope"],
    "*": ["style", "dir", "lang"],
  },
  allowedStyles: {
    "*": {
      color: COLOR,
      "background-color": COLOR,
      "text-align": [/^(left|right|center|justify)$/],
      "font-weight": [/^(normal|bold|[1-9]00)$/],
      "font-style": [/^(normal|italic)$/],
      "text-decoration": [/^(none|underline|line-through)$/],
    },
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Content of these is dropped with the tag, not kept as text: a `<title>` or `<noscript>` payload is not prose.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "noembed", "noframes", "template", "title", "xmp", "object"],
  transformTags: { a: sanitize.simpleTransform("a", { rel: "noopener noreferrer", target: "_blank" }) },
};

/** User HTML made safe to place inside an email. */
export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS);
}

/** User HTML as plain text (subjects and text parts): sanitized first, then converted, so nothing hidden leaks. */
export function stripHtml(html: string): string {
  return htmlToText(sanitizeHtml(html));
}
