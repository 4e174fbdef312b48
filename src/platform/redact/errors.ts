import { redactText } from "./text";

/**
 * What may be said of an error: its kind, a message with nothing personal, and for database
 * errors the SQLSTATE, the names the server gives (constraint, table, column) and the SQL text,
 * never the bound parameters nor the server's DETAIL, WHERE or HINT, which quote the row's values.
 */
export type ErrorSummary = {
  kind: string;
  message: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  query?: string;
  cause?: ErrorSummary;
};

/** Long enough to recognise the statement; a multi-row insert's VALUES list is not worth more. */
const MAX_QUERY = 300;
const MAX_CAUSES = 4;

type Fields = Record<string, unknown>;
const stringField = (e: Fields, key: string): string | undefined => (typeof e[key] === "string" ? (e[key] as string) : undefined);

/** Drizzle's DrizzleQueryError, recognised by shape: the SQL text and its parameters kept apart. */
const isQueryError = (e: Fields): boolean => typeof e.query === "string" && "params" in e;

/** pg's (and so the Neon driver's) DatabaseError: a severity and a five-character SQLSTATE. */
const isServerError = (e: Fields): boolean => typeof e.severity === "string" && /^[0-9A-Z]{5}$/.test(String(e.code ?? ""));

/**
 * Class 22 (data exception) messages quote the refused input (`invalid input syntax for type
 * uuid: "…"`); identifiers in other classes' messages are the schema's, and stay.
 */
function serverMessage(message: string, code: string): string {
  const scrubbed = code.startsWith("22") ? message.replace(/"(?:[^"\\]|\\.)*"/g, '"[value]"') : message;
  return redactText(scrubbed);
}

/** The class's name when the error kept the default `name` (drizzle's DrizzleQueryError does). */
const kindOf = (e: Error): string => (e.name !== "Error" ? e.name : e.constructor.name || e.name);

const squeeze = (sql: string) => sql.replace(/\s+/g, " ").trim();
const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function describeError(e: unknown, depth = 0): ErrorSummary {
  // Drivers reject with non-Errors too (the WebSocket's ErrorEvent when the connection drops).
  if (!(e instanceof Error)) {
    const named = typeof e === "object" && e !== null ? (e as Fields) : {};
    return { kind: (named.constructor as { name?: string } | undefined)?.name ?? typeof e, message: redactText(stringField(named, "message") ?? String(e)) };
  }
  const fields = e as unknown as Fields;
  const cause = depth < MAX_CAUSES && fields.cause !== undefined ? describeError(fields.cause, depth + 1) : undefined;
  if (isQueryError(fields)) {
    const query = truncate(redactText(squeeze(stringField(fields, "query") ?? "")), MAX_QUERY);
    return { kind: kindOf(e), message: "query failed", query, ...(cause ? { cause } : {}) };
  }
  if (isServerError(fields)) {
    const code = String(fields.code);
    const named = Object.fromEntries(
      (["constraint", "table", "column"] as const).flatMap((key) => {
        const value = stringField(fields, key);
        return value ? [[key, value]] : [];
      }),
    );
    return { kind: "DatabaseError", message: serverMessage(e.message, code), code, ...named };
  }
  return { kind: kindOf(e), message: redactText(e.message), ...(cause ? { cause } : {}) };
}

/** One line for a log field or a stored reason: the summary's message, with the database's code and statement. */
export function formatSummary(s: ErrorSummary): string {
  const own = [s.message, s.code ? `(SQLSTATE ${s.code}${s.constraint ? `, constraint ${s.constraint}` : ""})` : "", s.query ? `in: ${s.query}` : ""].filter(Boolean).join(" ");
  return s.cause ? `${own}: ${s.cause.kind === "Error" ? "" : `${s.cause.kind}: `}${formatSummary(s.cause)}` : own;
}

/** The message of anything thrown, with nothing personal in it: what a log field or a failure reason may carry. */
export const safeMessage = (e: unknown): string => formatSummary(describeError(e));

/** The stack's frames without the message lines above them (a message can span lines, params included). */
export function stackFrames(e: unknown): string {
  const stack = e instanceof Error ? (e.stack ?? "") : "";
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map(redactText)
    .join("\n");
}
