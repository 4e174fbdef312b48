import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { notificationRules } from "./notification-rules";
import { organizations } from "./organizations";
import { recipients } from "./recipients";

/**
 * The notifications one rule admitted for one recipient in one throttle window. Admission is an
 * upsert on this row, so concurrent consumers take turns on its lock and never admit more than the
 * limit; keeping the ids (not a count) makes a re-claimed notification's second admission a no-op.
 */
export const throttleWindows = pgTable(
  "throttle_windows",
  {
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => notificationRules.id, { onDelete: "cascade" }),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true, mode: "date" }).notNull(),
    admitted: uuid("admitted").array().notNull().default(sql`'{}'::uuid[]`),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.recipientId, t.windowStart] }), index("throttle_windows_end_idx").on(t.windowEnd)],
);
