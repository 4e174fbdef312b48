import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

export const apiKeyRoles = ["ingest", "viewer", "editor", "admin"] as const;

/** Only the SHA-256 of a key is kept: keys are 32 random bytes, so a slow hash buys nothing. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    role: text("role", { enum: apiKeyRoles }).notNull().default("admin"),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    /** After this the key answers 401 KEY_EXPIRED: set when created with an expiry, or by a rotation's grace period. */
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    /** The key a rotation replaced this one with, so the list can show which is which. */
    replacedBy: uuid("replaced_by"),
    ...timestamps,
  },
  (t) => [uniqueIndex("api_keys_key_hash_idx").on(t.keyHash), index("api_keys_organization_idx").on(t.organizationId)],
);
