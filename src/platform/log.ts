import { safeMessage } from "./redact/errors";
import { isPrivateKey, redactText } from "./redact/text";
import { redactValue } from "./redact/value";

/** Fields of one structured log line; values are JSON-serialised after redaction (see `clean`). */
export type LogFields = Record<string, unknown>;

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured JSON lines on the console, which is where Workers Logs and `wrangler tail` read them. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` too (a request id, a queue name). */
  child(fields: LogFields): Logger;
}

/**
 * Every field passes the one redaction rule (src/platform/redact): secrets and personal fields are
 * marked `[redacted]` whatever the caller passes (a secret in a log line outlives every rotation of
 * it), errors are reduced to their kind, code and SQL text, and text loses addresses, keys and
 * bound parameters.
 */
function clean(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[name] = isPrivateKey(name) ? "[redacted]" : redactValue(value, "mark");
  }
  return out;
}

const WRITERS: Record<LogLevel, (line: string) => void> = {
  debug: (line) => console.log(line),
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

export function createLogger(base: LogFields = {}): Logger {
  const write = (level: LogLevel, msg: string, fields: LogFields = {}) => WRITERS[level](JSON.stringify({ level, msg: redactText(msg), ...clean(base), ...clean(fields) }));
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

/** For code that runs before any Services exist (environment parsing, Durable Object start-up). */
export const log = createLogger();

/** The message of anything thrown, for a log field or a stored reason: redacted, a database error reduced to its code and SQL text. */
export const messageOf = (e: unknown): string => safeMessage(e);
