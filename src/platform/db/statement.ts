import { DrizzleQueryError } from "drizzle-orm";
import type { Database } from "./client";

/** A value bound as it is: every hot statement passes lists as one JSON text and casts in SQL. */
export type PlainValue = string | number | boolean | null;
export type Statement = { text: string; values: PlainValue[] };

/**
 * The statement texts of the hot paths, by call site. A tagged template's strings array is one
 * object per call site for the life of the isolate, so its `$n` text is built once; drizzle's
 * `sql` builds its query from the chunks on every execution (a tenth of ingest's CPU in the bench's
 * profile for the write of an event alone).
 */
const texts = new WeakMap<TemplateStringsArray, string>();

/** `statement\`SELECT … ${value}::uuid …\``: values become `$1`, `$2`, … in order; no SQL fragments inside. */
export function statement(strings: TemplateStringsArray, ...values: PlainValue[]): Statement {
  let text = texts.get(strings);
  if (text === undefined) {
    text = strings.reduce((built, part, i) => `${built}$${i}${part}`);
    texts.set(strings, text);
  }
  return { text, values };
}

/**
 * Runs a statement outside drizzle's query builder, on the same pool (so over HTTP where drizzle's
 * are). Rows come as the driver parses them (timestamps as Date, json parsed): cast in SQL what the
 * caller wants as text. A failure is drizzle's own error shape, which the log's redaction knows.
 */
export async function runStatement<Row>(db: Database, s: Statement): Promise<Row[]> {
  try {
    const result = await db.$client.query(s.text, s.values);
    return result.rows as Row[];
  } catch (e) {
    throw new DrizzleQueryError(s.text, s.values, e instanceof Error ? e : undefined);
  }
}
