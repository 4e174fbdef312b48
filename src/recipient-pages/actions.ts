import type { Database } from "../platform/db/client";
import { auditLog } from "../platform/db/schema";
import { endsDigest, flushWindows } from "../digest/flush";
import { invalidateRecipientPreferences } from "../decide/preferences/load";
import { effectiveCategory } from "../decide/preferences/resolve";
import { type ChoicePatch, listChoices, loadPreferencesFromDb, mergeRecipientChoices, type RecipientPatch } from "../decide/preferences/store";
import type { Services } from "../services";
import { isCategoryLocked, type PageSubject } from "./load";

/** How a recipient's change arrived, as the audit log records it. */
export type Via = "one-click" | "unsubscribe-page" | "preference-centre";

export type UnsubscribeOutcome = { scope: "category"; category: string; changed: boolean } | { scope: "all"; changed: boolean; lockedCategory?: string };

/**
 * Stops the mail one unsubscribe link is about: its category, or all non-critical mail when the
 * link names none. A category the organisation locked cannot be opted out of on its own, and a
 * recipient's "stop this" must still hold (RFC 8058, Gmail and Yahoo's rules), so it becomes the
 * unsubscribe from all non-critical mail, which beats locks. Repeating it changes nothing more.
 */
export async function unsubscribeRecipient(services: Services, subject: PageSubject, input: { category?: string; via: Via }): Promise<UnsubscribeOutcome> {
  const { db } = services;
  const organizationId = subject.organization.id;
  const recipientId = subject.recipient.id;
  const category = input.category;
  let outcome: UnsubscribeOutcome;
  if (category && !(await isCategoryLocked(db, organizationId, category))) {
    const before = (await listChoices(db, recipientId)).find((c) => c.category === category);
    await mergeRecipientChoices(db, organizationId, recipientId, { [category]: { enabled: false } });
    outcome = { scope: "category", category, changed: before?.enabled !== false };
  } else {
    await mergeRecipientChoices(db, organizationId, recipientId, {}, { unsubscribedAll: true });
    outcome = { scope: "all", changed: subject.recipient.unsubscribedAt === null, ...(category ? { lockedCategory: category } : {}) };
  }
  await invalidate(services, subject);
  // Only a change is audited: mailbox providers retry one-click POSTs, and each retry would
  // otherwise add a row. Two first clicks racing may both write one; the state is the same.
  if (outcome.changed) {
    await recordRecipientChange(db, subject, input.via, outcome.scope === "all" ? "recipient.unsubscribe_all" : "recipient.unsubscribe_category", { ...outcome });
  }
  return outcome;
}

/**
 * Writes the preference centre's changes, makes the next decision see them (cache invalidated),
 * and sends at once what is pending in a digest the recipient just switched away from, as the
 * preferences API does.
 */
export async function applyPreferenceChanges(
  services: Services,
  subject: PageSubject,
  input: { patches: Record<string, ChoicePatch>; recipient: RecipientPatch; summary: Record<string, unknown>[] },
): Promise<void> {
  const { db } = services;
  const ref = { organizationId: subject.organization.id, recipientId: subject.recipient.id };
  const before = (await loadPreferencesFromDb(db, [ref.recipientId])).get(ref.recipientId);
  await mergeRecipientChoices(db, ref.organizationId, ref.recipientId, input.patches, input.recipient);
  await invalidate(services, subject);
  const after = (await loadPreferencesFromDb(db, [ref.recipientId])).get(ref.recipientId);
  if (before && after && !after.unsubscribedAll) {
    const ending = Object.keys(input.patches).filter((category) => endsDigest(effectiveCategory(before, category), effectiveCategory(after, category)));
    await flushWindows(
      services,
      ending.map((category) => ({ ...ref, category })),
    );
  }
  await recordRecipientChange(db, subject, "preference-centre", "recipient.preferences_update", { changes: input.summary });
}

async function invalidate(services: Services, subject: PageSubject): Promise<void> {
  const ref = { organizationId: subject.organization.id, recipientId: subject.recipient.id };
  await invalidateRecipientPreferences(services, ref);
}

async function recordRecipientChange(db: Database, subject: PageSubject, via: Via, action: string, details: Record<string, unknown>): Promise<void> {
  await db.insert(auditLog).values({
    organizationId: subject.organization.id,
    actorType: "recipient",
    actorId: subject.recipient.id,
    action,
    targetType: "recipient",
    targetId: subject.recipient.id,
    via,
    details,
  });
}
