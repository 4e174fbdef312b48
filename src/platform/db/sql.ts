import { type SQL, sql } from "drizzle-orm";

/** A uuid[] parameter: one bound value however many ids, so a long list cannot reach PostgreSQL's 65,535-parameter limit. */
export const uuidArray = (ids: readonly string[]): SQL => sql`${`{${ids.join(",")}}`}::uuid[]`;

/** A text[] parameter, sent as JSON: array-literal quoting of arbitrary text (commas, braces, quotes) is easy to get wrong. */
export const textArray = (values: readonly string[]): SQL => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
