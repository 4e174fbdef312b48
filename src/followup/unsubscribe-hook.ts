import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { auditLog, recipients } from "../platform/db/schema";
import { invalidateRecipientPreferences } from "../decide/preferences/load";
import type { Services } from "../services";

/** A recipient unsubscribed through the provider (its own link or list-unsubscribe handling). */
export type ProviderUnsubscribe = {
  organizationId: string;
  /** Our recipient, when the event matched one of our notifications or digests. */
  recipientId: string | null;
  notificationId: string | null;
  /** Keyed hash of the address (src/platform/crypto/email-hash.ts), for events that matched nothing of ours. */
  emailHash: string;
  provider: string;
  occurredAt: Date;
};

/** The webhook batch's open transaction (drizzle's, so query builders work on it too). */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export type UnsubscribeContext = { db: Transaction; preferences: Services["preferences"]; log: Services["log"] };

/**
 * A provider's own unsubscribe (its link, or the mailbox provider's list-unsubscribe) is the
 * recipient saying "no more": honoured as unsubscribe from all non-critical mail, written in the
 * webhook's transaction so it commits with the stored event (or both roll back and the provider
 * retries). Events that matched none of our recipients are kept in delivery_events only.
 */
export async function applyProviderUnsubscribes(context: UnsubscribeContext, unsubscribes: ProviderUnsubscribe[]): Promise<void> {
  const known = unsubscribes.filter((u): u is ProviderUnsubscribe & { recipientId: string } => u.recipientId !== null);
  if (known.length === 0) return;
  for (const u of known) {
    const changed = await context.db
      .update(recipients)
      .set({ unsubscribedAt: u.occurredAt, updatedAt: new Date() })
      .where(and(eq(recipients.id, u.recipientId), eq(recipients.organizationId, u.organizationId), isNull(recipients.unsubscribedAt)))
      .returning({ id: recipients.id });
    if (changed.length === 0) continue;
    await context.db.insert(auditLog).values({
      organizationId: u.organizationId,
      actorType: "recipient",
      actorId: u.recipientId,
      action: "recipient.unsubscribe_all",
      targetType: "recipient",
      targetId: u.recipientId,
      via: `provider:${u.provider}`,
      details: { notificationId: u.notificationId },
    });
    // Dropping the cached preferences early is harmless if the transaction then rolls back.
    await invalidateRecipientPreferences(context, { organizationId: u.organizationId, recipientId: u.recipientId });
  }
}
