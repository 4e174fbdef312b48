import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id } from "./_columns";

/**
 * Alerts sent, one row per condition per window: the unique key is how an alert fires once for a
 * condition instead of once per message.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: id(),
    organizationId: uuid("organization_id"),
    kind: text("kind").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    firedAt: timestamp("fired_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("alerts_dedupe_idx").on(t.dedupeKey)],
);
