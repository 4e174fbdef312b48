const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const RAW_TEXT = new Set(["script", "style", "title", "textarea"]);

export type MarkupProblem = { message: string; line: number; column: number };

function position(html: string, offset: number): { line: number; column: number } {
  const before = html.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Checks that every element is closed, in order. Stricter than HTML (which lets `</p>` and `</li>`
 * go unwritten) on purpose: email clients repair broken markup each in their own way, so a
 * published template should not rely on repair at all. Returns the first problems found.
 */
export function checkWellFormed(html: string, limit = 5): MarkupProblem[] {
  const problems: MarkupProblem[] = [];
  const open: { name: string; offset: number }[] = [];
  const tags = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  let match: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: the loop moves tags.lastIndex past raw-text elements, which matchAll cannot follow.
  while ((match = tags.exec(html)) && problems.length < limit) {
    const [token, slash, rawName, attrs = ""] = match;
    if (!rawName) continue;
    const name = rawName.toLowerCase();
    if (!slash) {
      if (VOID.has(name) || attrs.trimEnd().endsWith("/")) continue;
      open.push({ name, offset: match.index });
      if (RAW_TEXT.has(name)) {
        const end = html.toLowerCase().indexOf(`</${name}`, tags.lastIndex);
        if (end >= 0) tags.lastIndex = end;
      }
      continue;
    }
    if (VOID.has(name)) continue;
    const at = open.map((o) => o.name).lastIndexOf(name);
    if (at < 0) {
      problems.push({ message: `</${name}> closes an element that is not open`, ...position(html, match.index) });
      continue;
    }
    for (const unclosed of open.splice(at).slice(1).reverse()) {
      const where = position(html, unclosed.offset);
      problems.push({ message: `<${unclosed.name}> opened at line ${where.line}, column ${where.column} is not closed before ${token}`, ...position(html, match.index) });
    }
  }
  for (const unclosed of open.reverse().slice(0, Math.max(0, limit - problems.length))) {
    problems.push({ message: `<${unclosed.name}> is never closed`, ...position(html, unclosed.offset) });
  }
  return problems;
}
