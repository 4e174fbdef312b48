import { err, ok, type Result } from "../platform/result";
import { TypeGuards } from "liquidjs";
import { newHtmlLiquid } from "./engines";
import { inlineCss } from "./inline";
import { isBlockSuper, tokenize } from "./liquid-source";
import { checkWellFormed } from "./well-formed";
import type { LayoutSet } from "./engines";

const mark = (n: number) => `__lq${n}__`;
const MARKS = /__lq(\d+)__/g;
const KEPT_TAGS = new Set(["layout", "block", "endblock"]);

type Mark = { text: string; file: string; sideEffect: boolean };
const SIDE_EFFECTS = new Set(["assign", "capture", "increment", "decrement", "cycle", "liquid"]);
const PAIRED = new Set(["if", "unless", "for", "case", "capture", "tablerow", "comment", "raw"]);

/**
 * Replaces every liquid tag and output except the inheritance ones with a marker juice treats as
 * text. Returns undefined when a `{% block %}` sits inside a conditional or loop (liquid then
 * decides at send time whether the block exists) or `{% layout %}` takes arguments.
 */
function protect(source: string, file: string, table: Mark[]): string | undefined {
  let out = "";
  let last = 0;
  let depth = 0;
  for (const token of tokenize(source)) {
    if (TypeGuards.isTagToken(token) && KEPT_TAGS.has(token.name)) {
      // Layout arguments are evaluated against send-time data, which a merged source has lost.
      if (depth > 0 || (token.name === "layout" && /\S\s+\S/.test(token.args.trim()))) return undefined;
      continue;
    }
    if (!(TypeGuards.isTagToken(token) || TypeGuards.isOutputToken(token)) || isBlockSuper(token)) continue;
    if (TypeGuards.isTagToken(token)) {
      if (PAIRED.has(token.name)) depth++;
      else if (token.name.startsWith("end") && PAIRED.has(token.name.slice(3))) depth--;
    }
    const sideEffect = TypeGuards.isTagToken(token) && SIDE_EFFECTS.has(token.name);
    out += source.slice(last, token.begin) + mark(table.push({ text: source.slice(token.begin, token.end), file, sideEffect }) - 1);
    last = token.end;
  }
  return out + source.slice(last);
}

/** Why a marker cannot go through juice unchanged, if it cannot. */
function markerProblem(html: string, table: Mark[]): string | undefined {
  for (const tag of html.matchAll(/<\/?[a-zA-Z](?:[^>"']|"[^"]*"|'[^']*')*>/g)) {
    if (/__lq\d+__/.test(tag[0].replace(/"[^"]*"|'[^']*'/g, ""))) return "liquid inside tag markup outside an attribute value";
  }
  for (const style of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
    const css = style[1] ?? "";
    for (const m of css.matchAll(MARKS)) {
      if (table[Number(m[1])]?.text.startsWith("{%")) return "a liquid tag inside <style>";
      const before = css.slice(0, m.index);
      const depth = (before.match(/{/g)?.length ?? 0) - (before.match(/}/g)?.length ?? 0);
      const boundary = Math.max(before.lastIndexOf("{"), before.lastIndexOf(";"), before.lastIndexOf("}"));
      if (depth < 1 || !before.slice(boundary).includes(":")) return "liquid inside <style> outside a declaration value";
    }
  }
  return undefined;
}

/** The template flattened into its layouts and inlined, or why it cannot be done once per version. */
export type Flattened = Result<string, string>;

/**
 * Inlines CSS once per template version instead of once per email: the layouts and the template
 * are merged into one liquid source with every other tag replaced by a marker, juice runs on that,
 * and the markers go back. Refused (the caller then inlines per email) wherever the result could
 * differ from inlining the rendered email: liquid in CSS selectors or tag markup, HTML written at
 * send time (`raw`, `sanitize`: its elements would miss the inlined rules), markup that is only
 * balanced per branch, or a marker juice did not keep.
 */
export async function flattenAndInline(layouts: LayoutSet, template: string, css: string): Promise<Flattened> {
  if ([layouts.base.source, layouts.branding.source, template, css].some((s) => s.includes("__lq"))) return err("source contains the marker text");
  const table: Mark[] = [];
  const base = protect(layouts.base.source, "base", table);
  const branding = protect(layouts.branding.source, "branding", table);
  const protectedTemplate = protect(template, "template", table);
  if (base === undefined || branding === undefined || protectedTemplate === undefined) return err("a block inside a conditional or loop, or layout arguments");
  if (table.some((t) => t.text.startsWith("{{") && /\|\s*(raw|sanitize)\b/.test(t.text))) return err("the template writes HTML at send time");
  const flat = String(await newHtmlLiquid({ base, branding }, false).parseAndRender(protectedTemplate, {}));
  const problem = markerProblem(flat, table) ?? (checkWellFormed(flat, 1)[0] ? "markup is balanced only per branch" : undefined);
  if (problem) return err(problem);
  const before = countMarks(flat, table.length);
  const dropped = table.findIndex((t, i) => t.sideEffect && t.file !== "base" && before[i] === 0);
  if (dropped >= 0) return err(`${table[dropped]?.text} runs outside the blocks that are rendered`);
  const inlined = inlineCss(flat, css);
  const after = countMarks(inlined, table.length);
  // A value inside <style> may rightly vanish (its rule matched nothing, or lost the cascade); markup may not.
  const inStyle = new Set([...flat.matchAll(/<style\b[^>]*>[\s\S]*?<\/style>/gi)].flatMap((s) => [...s[0].matchAll(MARKS)].map((m) => Number(m[1]))));
  const lost = table.findIndex((t, i) => (before[i] ?? 0) > 0 && !inStyle.has(i) && (after[i] === 0 || (t.text.startsWith("{%") && after[i] !== before[i])));
  if (lost >= 0) return err(`juice did not keep ${table[lost]?.text} in place`);
  return ok(inlined.replace(MARKS, (_, n: string) => table[Number(n)]?.text ?? ""));
}

function countMarks(html: string, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const m of html.matchAll(MARKS)) counts[Number(m[1])] = (counts[Number(m[1])] ?? 0) + 1;
  return counts;
}
