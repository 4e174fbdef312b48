import { type SQL, sql } from "drizzle-orm";

/** A uuid[] parameter: one bound value however many ids, so a long list cannot reach PostgreSQL's 65,535-parameter limit. */
export const uuidArray = (ids: readonly string[]): SQL => sql`${`{${ids.join(",")}}`}::uuid[]`;
