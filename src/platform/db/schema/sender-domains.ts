import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

export const senderDomainStatuses = ["pending", "verified", "failed"] as const;

/**
 * A domain an organisation sends from. Tidings generates its DKIM key pair (the private key sealed
 * like provider credentials) and tells the organisation which DNS records to publish; mail whose
 * From is at a domain not verified here is refused at send time.
 */
export const senderDomains = pgTable(
  "sender_domains",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Lower-case, without a trailing dot. */
    domain: text("domain").notNull(),
    dkimSelector: text("dkim_selector").notNull(),
    /** PKCS#8 PEM, sealed. */
    dkimPrivateKey: text("dkim_private_key").notNull(),
    /** base64 SubjectPublicKeyInfo: the `p=` of the DKIM record. */
    dkimPublicKey: text("dkim_public_key").notNull(),
    status: text("status", { enum: senderDomainStatuses }).notNull().default("pending"),
    verifiedAt: timestamp("verified_at", { withTimezone: true, mode: "date" }),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true, mode: "date" }),
    /** What the last verification found, record by record. */
    lastCheck: jsonb("last_check").$type<Record<string, unknown>>(),
    ...timestamps,
  },
  (t) => [uniqueIndex("sender_domains_organization_domain_idx").on(t.organizationId, t.domain)],
);
