import { recipientLinks } from "../recipient-pages/links";
import { sql } from "drizzle-orm";
import { BatchCircuits } from "../send/circuits";
import { sendWithFailover } from "../send/failover";
import { createPreferenceCache, type PreferenceCache } from "../decide/preferences/cache";
import { loadPreferences } from "../decide/preferences/load";
import { resolveDecision } from "../decide/preferences/resolve";
import { loadProviderChains } from "../send/provider-chains";
import type { Services } from "../services";
import { loadBranding } from "../render/branding";
import { composeDigest, type DigestContext, type DigestItem } from "./compose";
import { type ClaimedDigest, claimDigest, countUnsettled, recordDigestOutcome, skipDigestItems } from "./record";

/** What the queue should do with the digest job: the same contract as a notification's verdict. */
export type DigestVerdict = { action: "ack" } | { action: "retry"; retryAfterSeconds?: number };

export type DeliverDigestOptions = { attempt?: number; now?: Date; cache?: PreferenceCache };

/**
 * A window that closed on its item count can be announced while the Decide step that added its
 * last items is still writing them down; for this many deliveries the digest waits for them.
 */
const SETTLE_WAITS = 2;
const SETTLE_DELAY_SECONDS = 5;

/**
 * Renders and sends one closed digest as one email, exactly once: a conditional claim on the
 * digest row, like a notification's. It carries only items marked `batched` into this digest.
 */
export async function deliverDigest(services: Services, digestId: string, options: DeliverDigestOptions = {}): Promise<DigestVerdict> {
  const { db, env } = services;
  const check = await countUnsettled(db, digestId);
  if (!check.exists || (check.status !== "queued" && check.status !== "sending")) return { action: "ack" };
  if (check.unsettled > 0 && (options.attempt ?? 1) <= SETTLE_WAITS) return { action: "retry", retryAfterSeconds: SETTLE_DELAY_SECONDS };

  const claim = await claimDigest(db, digestId, env.SEND_LEASE_SECONDS);
  if (!claim) return { action: "ack" };

  // The recipient may have opted out or unsubscribed since the items were batched.
  const prefs = await loadPreferences(db, options.cache ?? createPreferenceCache(env), [claim]);
  const current = resolveDecision(prefs.get(claim.recipientId) ?? { unsubscribedAll: false, categories: {} }, { category: claim.category, critical: false });
  if (current.action === "skip") {
    await skipDigestItems(db, claim.id, current.rule);
    await recordDigestOutcome(db, claim, { status: "skipped", reason: current.rule });
    return { action: "ack" };
  }

  const context = await loadContext(services, claim);
  if (!context || context.items.length === 0) {
    await recordDigestOutcome(db, claim, { status: "empty", reason: context ? "no item is still batched into this digest" : "recipient not found" });
    return { action: "ack" };
  }
  // A digest is never critical mail: it carries the category's one-click unsubscribe like any other.
  const unsubscribe = await recipientLinks(env, { organizationId: claim.organizationId, recipientId: claim.recipientId, category: claim.category, critical: false });
  const composed = await composeDigest(context, options.now, unsubscribe);
  if (!composed.ok) {
    await recordDigestOutcome(db, claim, { status: "failed", reason: composed.reason });
    return { action: "ack" };
  }

  const chain = (await loadProviderChains(services, [claim.organizationId])).get(claim.organizationId) ?? [];
  const circuits = new BatchCircuits(env.PROVIDER_CIRCUIT, { failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD, cooldownSeconds: env.CIRCUIT_COOLDOWN_SECONDS });
  await circuits.admit(chain.map((h) => h.circuitKey));
  const result = await sendWithFailover(chain, composed.email, circuits);
  const opened = await circuits.flush();
  for (const key of opened) console.error(JSON.stringify({ level: "error", msg: "alert: provider circuit opened", circuit: key }));

  switch (result.kind) {
    case "accepted":
      await recordDigestOutcome(db, claim, { status: "sent", provider: result.provider, providerMessageId: result.messageId }, result.attempts);
      return { action: "ack" };
    case "permanent":
      await recordDigestOutcome(db, claim, { status: "failed", reason: result.reason }, result.attempts);
      return { action: "ack" };
    case "retryable":
      await recordDigestOutcome(db, claim, { status: "queued", reason: result.reason }, result.attempts);
      return { action: "retry", ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}) };
  }
}

type ContextRow = {
  email: string; name: string | null; locale: string | null; timezone: string | null; text_only: boolean;
  from_email: string; from_name: string | null; reply_to: string | null;
};
type ItemRow = { id: string; type: string; data: Record<string, unknown>; created_at: string | Date; subject: string | null };

async function loadContext(services: Services, claim: ClaimedDigest): Promise<DigestContext | undefined> {
  const { db } = services;
  const people = await db.execute<ContextRow>(sql`
    SELECT r.email, r.name, r.locale, r.timezone, r.text_only, o.from_email, o.from_name, o.reply_to
      FROM recipients r JOIN organizations o ON o.id = r.organization_id
     WHERE r.id = ${claim.recipientId}::uuid`);
  const person = people.rows[0];
  if (!person) return undefined;
  const items = await db.execute<ItemRow>(sql`
    SELECT n.id, e.type, e.data, e.created_at, tv.subject
      FROM notifications n
      JOIN events e ON e.id = n.event_id
      JOIN event_types et ON et.id = n.event_type_id
      LEFT JOIN templates t ON t.id = et.template_id
      LEFT JOIN template_versions tv ON tv.template_id = t.id AND tv.version = t.published_version
     WHERE n.id = ANY(${`{${claim.notificationIds.join(",")}}`}::uuid[]) AND n.status = 'batched' AND n.digest_id = ${claim.id}::uuid
     ORDER BY e.created_at, n.id`);
  return {
    digestId: claim.id,
    organizationId: claim.organizationId,
    category: claim.category,
    kind: claim.kind,
    recipient: { email: person.email, name: person.name, locale: person.locale, timezone: person.timezone, textOnly: person.text_only },
    from: { email: person.from_email, name: person.from_name, replyTo: person.reply_to },
    branding: await loadBranding(db, claim.organizationId),
    items: items.rows.map((r): DigestItem => ({ notificationId: r.id, type: r.type, data: r.data, at: new Date(r.created_at), subjectTemplate: r.subject })),
  };
}
