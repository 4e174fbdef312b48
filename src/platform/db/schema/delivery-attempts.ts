import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "./_columns";
import { notifications } from "./notifications";
import { organizations } from "./organizations";

export const attemptOutcomes = ["accepted", "retryable", "permanent", "configuration"] as const;

/** One provider call as the send pipeline reports it: a row here, or an entry of a digest's attempt log. */
export type AttemptRecord = {
  provider: string;
  outcome: (typeof attemptOutcomes)[number];
  httpStatus: number | null;
  providerMessageId: string | null;
  latencyMs: number;
  error: string | null;
};

/** One call to one provider for one notification, kept whatever its outcome. */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    notificationId: uuid("notification_id")
      .notNull()
      .references(() => notifications.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    outcome: text("outcome", { enum: attemptOutcomes }).notNull(),
    httpStatus: integer("http_status"),
    providerMessageId: text("provider_message_id"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("delivery_attempts_notification_idx").on(t.notificationId, t.createdAt),
    // Provider health reads an organisation's last 24 hours of attempts.
    index("delivery_attempts_organization_created_idx").on(t.organizationId, t.createdAt),
  ],
);
