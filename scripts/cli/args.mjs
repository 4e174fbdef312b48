import { parseArgs } from "node:util";
import { UsageError } from "./errors.mjs";

/** @typedef {Record<string, { type: "string" | "boolean", short?: string }>} OptionSpec */
/** @typedef {Record<string, string | boolean | undefined>} OptionValues */

/**
 * @typedef {object} ParsedCommand
 * @property {string} name  e.g. "key create"
 * @property {OptionValues} values
 * @property {string[]} positionals
 * @property {boolean} json
 */

/** Options every command takes. */
const COMMON = /** @type {const} */ ({ json: { type: "boolean" }, help: { type: "boolean", short: "h" } });

const wantsHelp = (/** @type {string[]} */ args) => args.some((a) => a === "--help" || a === "-h");

/**
 * Splits `tidings <group> <action> [options] [arguments]` into the command and its options, or
 * asks for a help text. Options the command does not know are bad input, not silently ignored.
 * @param {string[]} argv  without node and the script
 * @param {Record<string, { options: OptionSpec, positionals: number }>} commands  by name, e.g. "key create"
 * @returns {{ help: string } | { command: ParsedCommand }}  `help`: "" for the top level, else a group or command name
 */
export function parseCommandLine(argv, commands) {
  const [group, action, ...rest] = argv;
  if (group === undefined || group === "--help" || group === "-h" || group === "help") {
    if (group === undefined) throw new UsageError("no command given; run `tidings --help` for the list");
    return { help: "" };
  }
  const groups = new Set(Object.keys(commands).map((name) => name.split(" ")[0]));
  if (!groups.has(group)) throw new UsageError(`unknown command "${group}"; run \`tidings --help\` for the list`);
  if (action === undefined || action === "--help" || action === "-h") {
    if (action === undefined) throw new UsageError(`"${group}" needs an action; run \`tidings ${group} --help\``);
    return { help: group };
  }
  const name = `${group} ${action}`;
  const spec = commands[name];
  if (!spec) throw new UsageError(`unknown command "${name}"; run \`tidings ${group} --help\` for the list`);
  if (wantsHelp(rest)) return { help: name };
  /** @type {{ values: OptionValues, positionals: string[] }} */
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...spec.options, ...COMMON }, allowPositionals: true, strict: true });
  } catch (e) {
    // node:util words these well ("Unknown option '--nme'", "Option '--org <value>' argument missing").
    throw new UsageError(`${e instanceof Error ? e.message.replace(/\. To specify .*$/s, "") : String(e)}; run \`tidings ${name} --help\``);
  }
  if (parsed.positionals.length !== spec.positionals) {
    const wanted = spec.positionals === 0 ? "no arguments besides options" : `${spec.positionals} argument${spec.positionals === 1 ? "" : "s"}`;
    throw new UsageError(`"${name}" takes ${wanted}, got: ${parsed.positionals.join(" ") || "none"}; run \`tidings ${name} --help\``);
  }
  return { command: { name, values: parsed.values, positionals: parsed.positionals, json: parsed.values.json === true } };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A required string option, trimmed and non-empty.
 * @param {OptionValues} values @param {string} option
 */
export function required(values, option) {
  const value = values[option];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${option} is required`);
  return value.trim();
}

/** @param {string} value @param {string} what e.g. "--org" */
export function uuid(value, what) {
  if (!UUID.test(value)) throw new UsageError(`${what} must be an id like 6f1c2d3e-4b5a-4c6d-8e7f-901234567890, got "${value}"`);
  return value.toLowerCase();
}

/** @param {string} value @param {string} what @param {number} [max] */
export function label(value, what, max = 200) {
  // PostgreSQL text cannot hold NUL; control characters in a name only garble the listings.
  if (value.length > max || /\p{Cc}/u.test(value)) throw new UsageError(`${what} must be 1 to ${max} characters without control characters`);
  return value;
}

/** @param {string} value */
export function email(value) {
  if (value.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new UsageError(`--from-email must be an email address, got "${value}"`);
  return value;
}

/**
 * @template {string} T
 * @param {string} value @param {string} what @param {readonly T[]} allowed
 * @returns {T}
 */
export function oneOf(value, what, allowed) {
  const found = allowed.find((a) => a === value);
  if (!found) throw new UsageError(`${what} must be one of ${allowed.join(", ")}, got "${value}"`);
  return found;
}

const UNIT_MS = /** @type {const} */ ({ m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 });

/**
 * `--expires`: an ISO 8601 time (`2027-01-31`, `2027-01-31T12:00:00Z`) or a span from now (`90m`,
 * `12h`, `30d`, `2w`). It must lie in the future: a key born expired is a typo.
 * @param {string} value @param {Date} now
 */
export function expiry(value, now) {
  const span = /^(\d{1,6})([mhdw])$/.exec(value);
  const unit = span?.[2];
  const at =
    span && unit ? new Date(now.getTime() + Number(span[1]) * UNIT_MS[/** @type {keyof typeof UNIT_MS} */ (unit)]) : /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new UsageError(`--expires must be an ISO time such as 2027-01-31T00:00:00Z or a span such as 30d (m, h, d, w), got "${value}"`);
  if (at.getTime() <= now.getTime()) throw new UsageError(`--expires must be in the future, got ${at.toISOString()}`);
  return at;
}
