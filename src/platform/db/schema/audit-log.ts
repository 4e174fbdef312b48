import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "./_columns";
import { organizations } from "./organizations";

// A text column without a CHECK: adding an actor needs no migration. `cli` is the operator's
// `tidings` command (scripts/cli), which has no API key to name.
export const auditActors = ["api_key", "recipient", "system", "cli"] as const;

/**
 * Who changed what, when and how: every change through the admin API, and every recipient's own
 * unsubscribe or preference change (one-click, preference centre). Rows are only ever added.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    actorType: text("actor_type", { enum: auditActors }).notNull(),
    /** The API key id, the recipient id, the job's name, or the CLI's operating-system user. */
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    /** How the change arrived, e.g. `one-click`, `preference-centre`, `api`. */
    via: text("via").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_organization_created_idx").on(t.organizationId, t.createdAt), index("audit_log_target_idx").on(t.targetType, t.targetId)],
);
