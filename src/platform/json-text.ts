import type { FieldError } from "./errors";

/** A lone surrogate half, or NUL: text PostgreSQL cannot store (jsonb and text refuse both). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/** Text as it can be stored: NUL and unpaired surrogate halves become U+FFFD. For text from outside (providers' diagnostics). */
export const storableText = (text: string): string => text.replace(new RegExp(UNSTORABLE.source, "g"), "\uFFFD");

type Frame = { value: unknown; path: (string | number)[] };
const pathOf = (path: (string | number)[]) => path.join(".");

/** Where a JSON value nests deeper than `maxDepth`, walked without recursion (so depth itself cannot overflow the walk). */
export function jsonDepthProblem(value: unknown, maxDepth: number): FieldError | undefined {
  const stack: (Frame & { depth: number })[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop() as Frame & { depth: number };
    if (v === null || typeof v !== "object") continue;
    if (depth >= maxDepth) return { path: pathOf(path), message: `nested deeper than ${maxDepth} levels` };
    for (const [k, child] of Object.entries(v)) stack.push({ value: child, path: [...path, Array.isArray(v) ? Number(k) : k], depth: depth + 1 });
  }
  return undefined;
}

/** The first string (key or value) holding a NUL or an unpaired surrogate, with its path. */
export function findUnstorableText(value: unknown): FieldError | undefined {
  const stack: Frame[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as Frame;
    if (typeof v === "string") {
      if (!isStorableText(v)) return { path: pathOf(path), message: "contains a NUL character or an unpaired surrogate" };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    for (const [k, child] of Object.entries(v)) {
      if (!isStorableText(k)) return { path: pathOf([...path, k]), message: "a key contains a NUL character or an unpaired surrogate" };
      stack.push({ value: child, path: [...path, Array.isArray(v) ? Number(k) : k] });
    }
  }
  return undefined;
}
