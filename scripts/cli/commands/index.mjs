import { keyCreate, keyList, keyRevoke } from "./key.mjs";
import { orgCreate } from "./org.mjs";

/**
 * @typedef {object} Command
 * @property {string} usage
 * @property {string} summary
 * @property {string} details
 * @property {import("../args.mjs").OptionSpec} options  besides --json and --help, which every command takes
 * @property {number} positionals
 * @property {(input: { values: import("../args.mjs").OptionValues, positionals: string[], now: Date }) => Promise<import("../output.mjs").CommandResult>} run
 */

/** @type {Record<string, Command>} */
export const COMMANDS = {
  "org create": orgCreate,
  "key create": keyCreate,
  "key list": keyList,
  "key revoke": keyRevoke,
};

const FOOTER = `Every command takes --help, and --json to print JSON instead of text.
The database is DATABASE_URL's. Exit codes: 0 done; 1 failed (unknown organisation or key,
database unreachable); 2 bad input.`;

/**
 * The help for the top level (""), a group ("key") or a command ("key create").
 * @param {string} topic
 */
export function helpText(topic) {
  const command = COMMANDS[topic];
  if (command) return `${command.summary}.\n\nUsage: ${command.usage}\n\n${command.details}\n\n${FOOTER}\n`;
  const listed = Object.entries(COMMANDS).filter(([name]) => topic === "" || name.startsWith(`${topic} `));
  const intro = topic === "" ? "tidings: organisations and API keys of a Tidings database, without SQL." : `tidings ${topic}: ${topic === "org" ? "organisations" : "API keys"}.`;
  return `${intro}\n\nCommands:\n${listed.map(([, c]) => `  ${c.usage}\n      ${c.summary}`).join("\n")}\n\n${FOOTER}\n`;
}
