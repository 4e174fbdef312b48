import { parseCommandLine } from "./args.mjs";
import { COMMANDS, helpText } from "./commands/index.mjs";
import { messageOf } from "./database.mjs";
import { Failure, UsageError } from "./errors.mjs";
import { printError, printResult } from "./output.mjs";

/**
 * Runs one command line and says how the process should exit.
 * @param {string[]} argv  without node and the script
 * @returns {Promise<number>}
 */
export async function main(argv) {
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if ("help" in parsed) {
      process.stdout.write(helpText(parsed.help));
      return 0;
    }
    const { command } = parsed;
    const run = COMMANDS[command.name]?.run;
    if (!run) throw new UsageError(`unknown command "${command.name}"`);
    printResult(await run({ values: command.values, positionals: command.positionals, now: new Date() }), command.json);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof Failure) {
      printError(e.message);
      return e.exitCode;
    }
    // A query that failed (migrations not applied, a constraint): the work was not done.
    printError(`failed: ${messageOf(e)}`);
    return 1;
  }
}
