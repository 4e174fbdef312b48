/**
 * @typedef {object} CommandResult
 * @property {unknown} json  what `--json` prints: the same shapes as the HTTP API where there is one
 * @property {string} text   what a person reads
 */

/**
 * Writes a command's result to stdout, as JSON (one document, for scripts and `jq`) or as text.
 * @param {CommandResult} result @param {boolean} asJson @param {NodeJS.WritableStream} [out]
 */
export function printResult(result, asJson, out = process.stdout) {
  out.write(asJson ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text.replace(/\n*$/, "")}\n`);
}

/**
 * A one-line error on stderr: the message only, no stack, so it reads well in a terminal and a CI log.
 * @param {string} message @param {NodeJS.WritableStream} [err]
 */
export function printError(message, err = process.stderr) {
  err.write(`tidings: ${message.replace(/\s*\n\s*/g, " ")}\n`);
}

/**
 * Left-aligned columns with a header row, two spaces apart.
 * @param {string[]} headers @param {string[][]} rows
 */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** @param {Date | null} at */
export const isoOrDash = (at) => (at ? at.toISOString() : "-");
