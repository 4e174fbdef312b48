import { loadPreferences } from "../decide/preferences/load";
import { resolveDecision } from "../decide/preferences/resolve";
import { recipientLinks } from "../recipient-pages/links";
import { brandingValues } from "../render/branding";
import type { MailKind, Verdict } from "../send/mail";
import type { Services } from "../services";
import { composeDigest, type DigestItem } from "./compose";
import { type ClaimedDigest, claimDigests, type DigestOutcome, digestReadiness, loadDigestItems, recordDigestOutcomes, skipDigestItems } from "./record";

/**
 * A window that closed on its item count can be announced while the Decide step that added its
 * last items is still writing them down; for this many deliveries the digest waits for them.
 */
const SETTLE_WAITS = 2;
const SETTLE_DELAY_SECONDS = 5;

/** A digest being sent carries the items found for it in the Decide step. */
export type DigestToSend = ClaimedDigest & { items?: DigestItem[] };

/**
 * A digest: the items of one closed window, as one email. It goes through the same pipeline as a
 * notification; what is its own is collecting the items, composing the digest body, and marking
 * the items when the recipient no longer wants them.
 */
export const digestMail: MailKind<DigestToSend> = {
  table: "digests",
  noun: "digest",

  async claim(services, jobs) {
    const readiness = await digestReadiness(
      services.db,
      jobs.map((j) => j.id),
    );
    const later = new Map<string, Verdict>();
    const ready: string[] = [];
    for (const job of jobs) {
      const digest = readiness.get(job.id);
      if (!digest || (digest.status !== "queued" && digest.status !== "sending")) continue;
      if (digest.unsettled > 0 && job.attempt <= SETTLE_WAITS) later.set(job.id, { retry: true, delaySeconds: SETTLE_DELAY_SECONDS });
      else ready.push(job.id);
    }
    const { claimed, unreadable } = await claimDigests(services.db, ready, services.env.SEND_LEASE_SECONDS, await services.keys.sealing());
    // As for notifications: a missing key is an operator's fix away, so retry until the lapsed-claim limit.
    for (const u of unreadable) {
      services.log.error("a digest's sealed address or name did not open", { digestId: u.id, reason: u.error });
      later.set(u.id, { retry: true, delaySeconds: services.env.RETRY_BASE_SECONDS });
    }
    return { claimed, later };
  },

  async decide(services, claimed) {
    const { db } = services;
    // The recipient may have opted out or unsubscribed since the items were batched.
    const prefs = await loadPreferences(db, services.preferences, claimed);
    const ended: DigestOutcome[] = [];
    const wanted = claimed.filter((d) => {
      const current = resolveDecision(prefs.get(d.recipientId) ?? { unsubscribedAll: false, categories: {} }, { category: d.category, critical: false });
      if (current.action !== "skip") return true;
      ended.push({ id: d.id, attempt: d.attempt, status: "skipped", reason: current.rule });
      return false;
    });
    await skipDigestItems(
      db,
      ended.map((o) => ({ digestId: o.id, rule: o.reason ?? "" })),
    );

    const { items, unreadable } = await loadDigestItems(
      db,
      wanted.map((d) => d.id),
      await services.keys.sealing(),
    );
    // A digest with an item whose data does not open waits for the key rather than going out without it.
    const blocked = new Set(unreadable.map((u) => u.id));
    for (const u of unreadable) services.log.error("a digest item's sealed event data did not open", { digestId: u.id, reason: u.error });
    const toSend = wanted.filter((d) => {
      if (blocked.has(d.id)) {
        ended.push({ id: d.id, attempt: d.attempt, status: "queued", reason: "sealed event data did not open", counted: false, delaySeconds: services.env.RETRY_BASE_SECONDS });
        return false;
      }
      // Only items marked `batched` into this digest go in: an item decided after it closed is in the next one.
      const listed = new Set(d.notificationIds);
      d.items = items
        .filter((r) => r.digest_id === d.id && listed.has(r.id))
        .map((r) => ({ notificationId: r.id, type: r.type, data: r.data, at: new Date(r.created_at), subjectTemplate: r.subject }));
      if (d.items.length > 0) return true;
      ended.push({ id: d.id, attempt: d.attempt, status: "empty", reason: "no item is still batched into this digest" });
      return false;
    });
    await recordDigestOutcomes(db, ended);
    return toSend;
  },

  compose: composeDigestMail,

  async record(services, outcomes) {
    await recordDigestOutcomes(
      services.db,
      outcomes.map(({ mail, attempts, next }) => ({
        id: mail.id,
        attempt: mail.attempt,
        status: next.status,
        ...(next.status === "sent" ? { provider: next.provider, providerMessageId: next.providerMessageId } : { reason: next.reason }),
        ...(next.status === "queued" ? { counted: next.counted, delaySeconds: next.delaySeconds } : {}),
        attempts,
      })),
    );
  },
};

async function composeDigestMail(services: Services, d: DigestToSend) {
  const unsubscribe = await recipientLinks(services, {
    organizationId: d.organizationId,
    recipientId: d.recipientId,
    category: d.category,
    critical: false,
    branding: d.organization.branding,
  });
  return composeDigest(
    {
      digestId: d.id,
      organizationId: d.organizationId,
      category: d.category,
      kind: d.kind,
      recipient: d.recipient,
      from: { email: d.organization.fromEmail, name: d.organization.fromName, replyTo: d.organization.replyTo },
      branding: { layout: d.layout, values: brandingValues(d.organization.name, d.organization.branding) },
      items: d.items ?? [],
    },
    unsubscribe,
  );
}
