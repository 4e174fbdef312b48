import baseSource from "../../templates/base.liquid";
import brandingSource from "../../templates/branding.liquid";
import digestSource from "../../templates/digest.liquid";
import { fingerprint } from "./cache";
import type { LayoutSource } from "./types";

/**
 * Built-in files carry a content fingerprint as their version: parse caches are keyed by version,
 * so a deploy that edits a file can never be served a stale parse by a warm isolate.
 */
const builtIn = (id: string, source: string): LayoutSource => ({ id, version: Number.parseInt(fingerprint(source), 36), source });

export const SYSTEM_BASE_LAYOUT = builtIn("system:base", baseSource);
export const DEFAULT_BRANDING_LAYOUT = builtIn("system:branding", brandingSource);

/** The names a template may pass to `{% layout %}`; the render's liquid fs holds exactly these. */
export const LAYOUT_NAMES = ["base", "branding"] as const;

/** Splits the `---` front matter used by templates/digest.liquid and templates/demo/*.liquid. */
export function splitFrontMatter(source: string): { meta: Record<string, string>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source);
  if (!match) return { meta: {}, body: source };
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? "").split("\n")) {
    const i = line.indexOf(":");
    if (i > 0)
      meta[line.slice(0, i).trim()] = line
        .slice(i + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1");
  }
  return { meta, body: match[2] ?? "" };
}

const digest = splitFrontMatter(digestSource);

/** The digest template the digest issue publishes for each organisation (see docs/templates.md). */
export const DIGEST_TEMPLATE = {
  id: "system:digest",
  version: Number.parseInt(fingerprint(digestSource), 36),
  subject: digest.meta.subject ?? "Your digest",
  html: digest.body,
};
