/** Bad input: a missing or malformed argument, an unknown command or option. Exit code 2, like most Unix tools. */
export class UsageError extends Error {
  exitCode = 2;
}

/** The input was fine but the work could not be done: an unknown organisation or key, the database unreachable. Exit code 1. */
export class Failure extends Error {
  exitCode = 1;
}
