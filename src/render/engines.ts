import { Context, type FS, Liquid, type LiquidOptions, type Template } from "liquidjs";
import { budgetRenderSteps } from "./budget";
import { LruCache } from "./cache";
import { FORMAT_REGISTER, type FormatSettings, registerFilters } from "./filters";
import { rawBlockSuper } from "./liquid-source";
import type { InliningMode, LayoutSource } from "./types";

/** The layouts one render extends: the system base and the organisation's branding layout. */
export type LayoutSet = { base: LayoutSource; branding: LayoutSource };

/** A template version made ready to render: parsed once, inlined once when the markup allowed it. */
export type CompiledHtml = { mode: InliningMode; reason?: string; templates: Template[] };

export type HtmlEngine = { liquid: Liquid; compiled: LruCache<string, Promise<CompiledHtml>> };

/** Only what one render loaded: `{% layout "x" %}` resolves here and never reaches the database. */
export function memoryFs(files: Record<string, string>): FS {
  const name = (file: string) => file.replace(/\.liquid$/, "");
  const has = (file: string) => Object.hasOwn(files, name(file));
  const read = (file: string) => {
    const source = files[name(file)];
    if (source === undefined) throw new Error(`layout "${file}" does not exist; use "branding" or "base"`);
    return source;
  };
  return {
    exists: async (file) => has(file),
    existsSync: has,
    readFile: async (file) => read(file),
    readFileSync: read,
    resolve: (_dir, file) => file,
    contains: async () => true,
    containsSync: () => true,
    sep: "/",
    dirname: () => "",
  };
}

// `renderLimit` is left out on purpose: workerd freezes the clock during CPU work, so a
// time budget never trips there. The parse and memory budgets count bytes and do work, and
// budgetRenderSteps counts the steps a render takes.
const COMMON: LiquidOptions = { strictFilters: true, relativeReference: false, root: [""], layouts: [""], partials: [""], parseLimit: 1_000_000, memoryLimit: 20_000_000 };

export function newHtmlLiquid(files: Record<string, string>, escapeOutput = true): Liquid {
  // `cache: true` is safe because this engine's fs never changes: it caches the parsed layouts.
  const liquid = budgetRenderSteps(new Liquid({ ...COMMON, fs: memoryFs(files), cache: true, ...(escapeOutput ? { outputEscape: "escape" as const } : {}) }));
  registerFilters(liquid, "html");
  return liquid;
}

/**
 * Isolate-scoped, one engine per (base version, branding version): liquidjs resolves `{% layout %}`
 * through the engine's own fs at render time, and parsed templates stay bound to the engine that
 * parsed them. Giving each layout pair its own engine keeps every fs exactly the two layouts a
 * render uses while letting parses outlive the request. Versions never change once stored, so
 * entries never go stale; the bounds only cap memory in an isolate serving many organisations.
 */
const htmlEngines = new LruCache<string, HtmlEngine>(64);

export function htmlEngineFor(layouts: LayoutSet): HtmlEngine {
  const key = `${layouts.base.id}@${layouts.base.version}|${layouts.branding.id}@${layouts.branding.version}`;
  return htmlEngines.getOrCreate(key, () => ({
    liquid: newHtmlLiquid({ base: rawBlockSuper(layouts.base.source), branding: rawBlockSuper(layouts.branding.source) }),
    compiled: new LruCache(256),
  }));
}

/** Subjects and text parts are not HTML: escaping them would show `&amp;` to the reader. */
const textLiquid = budgetRenderSteps(new Liquid({ ...COMMON, fs: memoryFs({}) }));
registerFilters(textLiquid, "text");
/** Isolate-scoped parses of subjects and text parts, keyed by template id, version, locale and part. */
const textParsed = new LruCache<string, Template[]>(1024);

export function parseText(key: string, source: string): Template[] {
  return textParsed.getOrCreate(key, () => textLiquid.parse(source));
}

/**
 * Synchronous: every filter and tag Tidings registers is synchronous and layouts come from memory,
 * so nothing a render does waits. liquidjs's async render wraps each step of its generators in a
 * promise; the sync one runs the same generators straight through (measured with
 * bench/render-inline.mjs and npm run bench, README Performance).
 */
export function renderParsed(liquid: Liquid | "text", templates: Template[], scope: object, format: FormatSettings): string {
  const engine = liquid === "text" ? textLiquid : liquid;
  const ctx = new Context(scope, engine.options, { sync: true }, { liquid: engine });
  ctx.setRegister(FORMAT_REGISTER, format);
  return String(engine.renderSync(templates, ctx));
}

/** Parsing without rendering, for validation: the same options and filters the renders use. */
export const validationEngines = { html: newHtmlLiquid({}), text: textLiquid };
