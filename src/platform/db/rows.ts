import type { Column, GetColumnData, Table } from "drizzle-orm";

type ColumnsOf<T extends Table> = T["_"]["columns"];

/** The database names of a table's columns (`organization_id`, not `organizationId`). */
export type DbNameOf<T extends Table> = { [K in keyof ColumnsOf<T>]: ColumnsOf<T>[K] extends Column ? ColumnsOf<T>[K]["_"]["name"] : never }[keyof ColumnsOf<T>];

/**
 * The TypeScript type of one column, named as raw SQL names it. Rows read back from hand-written
 * statements are typed with it, so renaming or retyping a column in the schema fails to compile
 * wherever a statement still reads the old one.
 */
export type Col<T extends Table, N extends DbNameOf<T>> = Raw<
  {
    [K in keyof ColumnsOf<T>]: ColumnsOf<T>[K] extends Column ? (ColumnsOf<T>[K]["_"]["name"] extends N ? GetColumnData<ColumnsOf<T>[K]> : never) : never;
  }[keyof ColumnsOf<T>]
>;

/** Raw statements bypass drizzle's mapping: timestamps come back as the driver gives them, text. Read them with `new Date(…)`. */
type Raw<V> = V extends Date ? string | Date : V;

/** A raw SQL row of some of a table's columns, under their database names. */
export type RowOf<T extends Table, N extends DbNameOf<T>> = { [Name in N]: Col<T, Name> };
