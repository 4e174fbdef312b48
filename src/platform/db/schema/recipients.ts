import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { RecipientQuietHours } from "../../../decide/timing/quiet-hours-schema";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

/** A person the organisation notifies, keyed by the organisation's own id for them. */
export const recipients = pgTable(
  "recipients",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    /** Plain text only where no SECRETS_KEY seals it (or until the backfill does); else null and `emailSealed` holds it. */
    email: text("email"),
    /** AES-GCM under the sealing keys, bound to organisation, row and column (src/platform/crypto/personal-data.ts). */
    emailSealed: text("email_sealed"),
    /** Keyed hash of the lower-cased address: how suppressions find a recipient without storing addresses. */
    emailHash: text("email_hash"),
    /** Which address-hash key made `emailHash` (null: before key ids were kept). */
    emailHashKeyId: text("email_hash_key_id"),
    name: text("name"),
    nameSealed: text("name_sealed"),
    locale: text("locale"),
    timezone: text("timezone"),
    /** Their own quiet hours, `false` for none; null follows the organisation's. */
    quietHours: jsonb("quiet_hours").$type<RecipientQuietHours>(),
    /** Set while the person is unsubscribed from all non-critical mail; critical mail still goes. */
    unsubscribedAt: timestamp("unsubscribed_at", { withTimezone: true, mode: "date" }),
    /** The person asked for plain-text email: every email to them has a text part only, digests included. */
    textOnly: boolean("text_only").notNull().default(false),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("recipients_organization_external_idx").on(t.organizationId, t.externalId),
    // The suppression list shows the address of a hash when a recipient has it.
    index("recipients_organization_email_hash_idx").on(t.organizationId, t.emailHash),
  ],
);
