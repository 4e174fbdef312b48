import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

export const suppressionReasons = ["hard_bounce", "complaint", "repeated_soft_bounce", "manual"] as const;

/**
 * Addresses an organisation must not mail, by keyed hash (see src/platform/crypto/email-hash.ts), so the
 * list itself holds no addresses. `softBounces` counts soft bounces until the threshold suppresses.
 */
export const suppressions = pgTable(
  "suppressions",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    emailHash: text("email_hash").notNull(),
    /** Which address-hash key made `emailHash` (null: before key ids were kept); look-ups try every live key. */
    emailHashKeyId: text("email_hash_key_id"),
    reason: text("reason", { enum: suppressionReasons }),
    softBounces: integer("soft_bounces").notNull().default(0),
    detail: text("detail"),
    suppressedAt: timestamp("suppressed_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("suppressions_organization_email_idx").on(t.organizationId, t.emailHash),
    index("suppressions_organization_suppressed_idx").on(t.organizationId, t.suppressedAt),
  ],
);
