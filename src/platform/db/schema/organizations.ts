import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { QuietHours } from "../../../decide/timing/quiet-hours-schema";
import type { Branding } from "../../../render/branding-schema";
import { id, timestamps } from "./_columns";

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  fromEmail: text("from_email").notNull(),
  fromName: text("from_name"),
  replyTo: text("reply_to"),
  /** The domain mail is sent from; DKIM signatures use it as d=. */
  sendingDomain: text("sending_domain"),
  dkimSelector: text("dkim_selector"),
  /** PKCS#8 PEM private key, sealed like provider credentials. */
  dkimPrivateKey: text("dkim_private_key"),
  /** The organisation's branding (src/render/branding-schema.ts); read it with `readBranding`, which drops what no longer validates. */
  branding: jsonb("branding").$type<Branding>().notNull().default({}),
  /** Set by the bounce-rate guard: non-critical mail waits until an operator resumes sending. */
  sendingPausedAt: timestamp("sending_paused_at", { withTimezone: true, mode: "date" }),
  sendingPausedReason: text("sending_paused_reason"),
  /**
   * When an operator last resumed a pause. The guard judges only mail sent after it: the bounces
   * that tripped the pause (and late reports of mail sent before it) must not trip it again.
   */
  sendingResumedAt: timestamp("sending_resumed_at", { withTimezone: true, mode: "date" }),
  /** Non-critical mail waits out this daily window in the recipient's zone; null: none. */
  quietHours: jsonb("quiet_hours").$type<QuietHours>(),
  /** IANA zone for scheduled digests of recipients who have none of their own. */
  timezone: text("timezone").notNull().default("UTC"),
  /** Days event data, rendered content and provider event details are kept; the retention job empties them after. */
  retentionDays: integer("retention_days").notNull().default(30),
  ...timestamps,
});
