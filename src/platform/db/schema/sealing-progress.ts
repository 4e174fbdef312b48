import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

export const sealedTables = ["recipients", "events"] as const;

/**
 * How far the re-seal pass (src/followup/reseal.ts) has brought one organisation's table to the
 * current sealing key: a keyset cursor, so each cron run resumes where the last stopped. A new
 * `key_id` (SECRETS_KEY rotated, or set for the first time) starts a new pass.
 */
export const sealingProgress = pgTable(
  "sealing_progress",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    tableName: text("table_name", { enum: sealedTables }).notNull(),
    keyId: text("key_id").notNull(),
    /** Recipients: the last external id done. Events: the last `created_at` (as PostgreSQL prints it, microseconds kept) and id. */
    cursorText: text("cursor_text"),
    cursorId: uuid("cursor_id"),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [uniqueIndex("sealing_progress_organization_table_idx").on(t.organizationId, t.tableName)],
);
