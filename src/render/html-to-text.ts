import { decodeEntities } from "./entities";

const VOID = new Set(["br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"]);
const SKIP = new Set(["head", "style", "script", "title", "template", "noscript"]);
const PARAGRAPH = new Set(["p", "blockquote", "ul", "ol", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "figure", "address"]);
const LINE = new Set(["div", "section", "article", "header", "footer", "main", "center", "tr", "td", "th", "dt", "dd", "li", "caption"]);
const CAPTURED = new Set(["a", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "td", "th", "tr", "pre"]);
// Indentation survives the whitespace clean-up at the end as this marker, then becomes spaces.
const INDENT = "\u0001";

/**
 * `text` only ever grows by appending, so whether it holds anything but whitespace and how it ends
 * are kept beside it: asking the string itself (trim, endsWith, a regex) after every append
 * flattens it each time, quadratic in the email's length.
 */
type Frame = { tag: string; text: string; attrs: string; bullet?: string; solid: boolean; end: string };
const frameOf = (tag: string, attrs: string): Frame => ({ tag, text: "", attrs, solid: false, end: "" });
type List = { ordered: boolean; count: number };

const attr = (attrs: string, name: string) =>
  new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i")
    .exec(attrs)
    ?.slice(1)
    .find((v) => v !== undefined);
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * A readable plain-text part from rendered HTML: links become `text (url)`, list items get dashes
 * (numbers in ordered lists), h1/h2 are underlined, quotes get `> `, data tables become rows of
 * `a | b` while layout tables (`role="presentation"`) are just blocks. Elements marked
 * `data-text="skip"` (the preheader) are left out.
 */
export function htmlToText(html: string): string {
  const frames: Frame[] = [frameOf("#root", "")];
  let preDepth = 0; // open <pre> frames
  const lists: List[] = [];
  const tables: boolean[] = []; // true for a data table
  let skip: { tag: string; depth: number } | undefined;
  const top = () => frames[frames.length - 1] as Frame;
  const write = (s: string) => {
    if (s === "") return;
    const frame = top();
    frame.text += s;
    frame.end = s.length >= 2 ? s.slice(-2) : frame.end.slice(-1) + s;
    if (!frame.solid && /\S/.test(s)) frame.solid = true;
  };
  const inData = () => tables[tables.length - 1] === true;
  // Block boundaries only ensure a line start or a blank line, so whitespace between blocks adds nothing.
  const lineStart = () => {
    if (top().solid && !top().end.endsWith("\n")) write("\n");
  };
  const blankLine = () => {
    lineStart();
    if (top().solid && top().end !== "\n\n") write("\n");
  };
  const breaks = (name: string) => {
    if (inData() && (name === "td" || name === "th")) return;
    // A nested list starts on the next line, not after a gap.
    if (LINE.has(name) || ((name === "ul" || name === "ol") && lists.length > 0)) lineStart();
    else if (PARAGRAPH.has(name)) blankLine();
  };

  const close = (tag: string) => {
    let at = frames.length - 1;
    while (at >= 0 && (frames[at] as Frame).tag !== tag) at--;
    if (at < 1) return;
    while (frames.length > at + 1) close(top().tag);
    const frame = frames.pop() as Frame;
    if (frame.tag === "pre") preDepth--;
    write(finish(frame, inData()));
  };

  const tokens = /<!--[\s\S]*?-->|<![^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;
  // An exec loop, not matchAll: the iterator copies the expression and builds a result per token (a
  // third of this function's time on a typical email).
  tokens.lastIndex = 0;
  for (let match = tokens.exec(html); match !== null; match = tokens.exec(html)) {
    const token = match[0];
    const slash = match[1];
    const rawName = match[2];
    const attrs = match[3] ?? "";
    const name = rawName?.toLowerCase();
    if (skip) {
      if (name === skip.tag) skip.depth += slash ? -1 : token.endsWith("/>") || VOID.has(name) ? 0 : 1;
      if (skip.depth === 0) skip = undefined;
      continue;
    }
    if (token.startsWith("<!")) continue;
    if (!name) {
      const inPre = preDepth > 0;
      const text = inPre ? decodeEntities(token) : decodeEntities(token).replace(/\s+/g, " ");
      if (inPre || text.trim() !== "" || !(top().text === "" || top().end.endsWith("\n"))) write(text);
      continue;
    }
    if (!slash && (SKIP.has(name) || (/data-text/i.test(attrs) && /\bdata-text\s*=\s*["']?skip/i.test(attrs)))) {
      if (!VOID.has(name) && !token.endsWith("/>")) skip = { tag: name, depth: 1 };
      continue;
    }
    if (slash) {
      if (name === "ul" || name === "ol") lists.pop();
      if (CAPTURED.has(name)) close(name);
      if (name === "table") tables.pop();
      breaks(name);
      continue;
    }
    if (name === "br") write("\n");
    else if (name === "hr") write("\n\n----------\n\n");
    else if (name === "img") write(attr(attrs, "alt") ?? "");
    if (name === "li" && top().tag === "li") close("li");
    breaks(name);
    if (name === "ul" || name === "ol") lists.push({ ordered: name === "ol", count: 0 });
    if (name === "table") tables.push(!/\brole\s*=\s*["']?presentation/i.test(attrs));
    if (!CAPTURED.has(name)) continue;
    const frame = frameOf(name, attrs);
    if (name === "pre") preDepth++;
    if (name === "li") {
      const list = lists[lists.length - 1] ?? { ordered: false, count: 0 };
      list.count++;
      frame.bullet = INDENT.repeat(2 * Math.max(0, lists.length - 1)) + (list.ordered ? `${list.count}. ` : "- ");
    }
    frames.push(frame);
  }
  while (frames.length > 1) close(top().tag);

  return top()
    .text.replace(/[ \t]*\n[ \t]*/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(new RegExp(INDENT, "g"), " ")
    .trim();
}

function finish(frame: Frame, dataTable: boolean): string {
  const text = frame.text;
  switch (frame.tag) {
    case "a": {
      const href = attr(frame.attrs, "href")?.trim();
      const label = oneLine(text);
      const shown = href ? decodeEntities(href) : "";
      if (!shown || shown.startsWith("#") || shown === label || shown === `mailto:${label}`) return label || shown;
      return label ? `${label} (${shown})` : shown;
    }
    case "h1":
    case "h2": {
      const title = oneLine(text);
      return `\n\n${title}\n${(frame.tag === "h1" ? "=" : "-").repeat(Math.min(Array.from(title).length, 72))}\n\n`;
    }
    case "blockquote":
      return `\n\n${text
        .trim()
        .split("\n")
        .map((l) => `> ${l.trim()}`)
        .join("\n")}\n\n`;
    case "li":
      return `${frame.bullet ?? "- "}${text.trim()}\n`;
    case "td":
    case "th":
      return dataTable ? `${oneLine(text)}\t` : `\n${text}\n`;
    case "tr":
      return dataTable
        ? `${text
            .split("\t")
            .slice(0, -1)
            .map((c) => c.trim())
            .join(" | ")}\n`
        : `\n${text}\n`;
    default:
      return text;
  }
}
