import { alertCircuitsOpened, alertFailedNotifications } from "./alerts";
import type { Env } from "../env";
import { loadProviderChains } from "./provider-chains";
import { recipientLinks } from "../recipient-pages/links";
import type { OutgoingEmail } from "../providers/provider";
import { renderNotification, SYSTEM_BASE_LAYOUT } from "../render";
import { brandingValues } from "../render/branding";
import type { Services } from "../services";
import { BatchCircuits } from "./circuits";
import { type ClaimedNotification, claimNotifications } from "./claim";
import { type FailoverResult, type ProviderHandle, sendWithFailover } from "./failover";
import { mapWithConcurrency } from "../platform/concurrency";
import { decideNotifications, recordDecisions } from "../decide/decide";
import { holdBack } from "../decide/hold-back";
import { renderPhase } from "./render-phase";
import { type Outcome, recordOutcomes } from "./record";

/** What the queue should do with the message that carried a notification. */
export type Verdict = { action: "ack" } | { action: "retry"; retryAfterSeconds?: number };

/**
 * workerd lets one invocation hold six outbound connections at once; more sends in flight only
 * queue inside the runtime, and a bounded pool lets a failing provider's circuit trip mid-batch.
 */
const SEND_CONCURRENCY = 6;

/**
 * Claims, renders, sends (with failover across the organisation's providers) and records a batch of
 * notifications. Ids that could not be claimed (already sent, or being sent by another consumer)
 * are acked without sending anything.
 */
export async function deliverNotifications(services: Services, ids: string[]): Promise<Map<string, Verdict>> {
  const { env } = services;
  const verdicts = new Map<string, Verdict>(ids.map((id) => [id, { action: "ack" }]));
  const claimed = await claimNotifications(services.db, ids, env.SEND_LEASE_SECONDS);
  if (claimed.length === 0) return verdicts;
  const { sendable, suppressed } = await holdBack(services, claimed);
  // Decide: opted out (skipped) and digest items (batched) are written here and never reach a provider.
  const decisions = await decideNotifications(services, sendable);
  await recordDecisions(services.db, sendable, decisions);
  const toSend = sendable.filter((n) => decisions.get(n.id)?.action === "send");
  if (toSend.length === 0) {
    await recordOutcomes(services.db, suppressed);
    return verdicts;
  }

  const chains = await loadProviderChains(services, [...new Set(toSend.map((n) => n.organizationId))]);
  const circuits = new BatchCircuits(env.PROVIDER_CIRCUIT, { failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD, cooldownSeconds: env.CIRCUIT_COOLDOWN_SECONDS });
  await circuits.admit([...chains.values()].flat().map((h) => h.circuitKey));

  // Every email of the batch is rendered before the first is sent (CPU first, then I/O); with
  // DEV_MODE the phase is timed for `npm run bench`.
  const composed = await renderPhase(toSend, (n) => composeEmail(n, env), env.DEV_MODE);
  const outcomes = await mapWithConcurrency(toSend, SEND_CONCURRENCY, async (n) => deliverOne(n, await composed(n), chains.get(n.organizationId) ?? [], circuits));
  await recordOutcomes(services.db, [...suppressed, ...outcomes.map((o) => o.outcome)]);
  await alertCircuitsOpened(services, await circuits.flush());
  await alertFailedNotifications(
    services,
    outcomes.flatMap(({ outcome: o }) => (o.next.status === "failed" ? [{ organizationId: o.organizationId, notificationId: o.id, reason: o.next.reason }] : [])),
  );

  for (const { outcome, retryAfterSeconds } of outcomes) {
    if (outcome.next.status === "queued") verdicts.set(outcome.id, { action: "retry", ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }
  return verdicts;
}

async function deliverOne(n: ClaimedNotification, composed: Composed, chain: ProviderHandle[], circuits: BatchCircuits): Promise<{ outcome: Outcome; retryAfterSeconds?: number }> {
  const base = { id: n.id, organizationId: n.organizationId, attempt: n.attempt };
  const version = n.template.version;
  // A template that cannot render will not render on retry either: fail now, with the reason.
  if (!composed.ok) return { outcome: { ...base, attempts: [], next: { status: "failed", reason: composed.reason, templateVersion: version } } };
  const result: FailoverResult = await sendWithFailover(chain, composed.email, circuits);
  switch (result.kind) {
    case "accepted":
      return { outcome: { ...base, attempts: result.attempts, next: { status: "sent", provider: result.provider, providerMessageId: result.messageId, templateVersion: version } } };
    case "permanent":
      return { outcome: { ...base, attempts: result.attempts, next: { status: "failed", reason: result.reason, templateVersion: version } } };
    case "retryable":
      return {
        outcome: { ...base, attempts: result.attempts, next: { status: "queued", reason: result.reason } },
        ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
      };
  }
}

type Composed = { ok: true; email: OutgoingEmail } | { ok: false; reason: string };

async function composeEmail(n: ClaimedNotification, env: Env): Promise<Composed> {
  const { template } = n;
  // Footer links and RFC 8058 one-click headers; critical mail gets neither.
  const { links, headers } = await recipientLinks(env, {
    organizationId: n.organizationId,
    recipientId: n.recipientId,
    category: n.category,
    critical: n.critical,
    branding: n.organization.branding,
  });
  const rendered = await renderNotification({
    base: SYSTEM_BASE_LAYOUT,
    branding: { layout: n.layout, values: brandingValues(n.organization.name, n.organization.branding) },
    template: { id: template.id, version: template.version, defaultLocale: template.defaultLocale, subject: template.subject, html: template.html, text: template.text, locales: template.locales },
    recipient: { email: n.recipient.email, name: n.recipient.name, locale: n.recipient.locale, timezone: n.recipient.timezone, textOnly: n.recipient.textOnly },
    data: n.data,
    links,
  });
  if (!rendered.ok) {
    const where = rendered.error.context.line ? ` (${rendered.error.context.part} line ${rendered.error.context.line})` : "";
    return { ok: false, reason: `template ${template.templateId} v${template.version} failed to render${where}: ${rendered.error.message}` };
  }
  const r = rendered.value;
  return {
    ok: true,
    email: {
      notificationId: n.id,
      organizationId: n.organizationId,
      to: { email: n.recipient.email, ...(n.recipient.name ? { name: n.recipient.name } : {}) },
      from: { email: n.organization.fromEmail, ...(n.organization.fromName ? { name: n.organization.fromName } : {}) },
      ...(n.organization.replyTo ? { replyTo: { email: n.organization.replyTo } } : {}),
      subject: r.subject,
      ...(r.html === undefined ? {} : { html: r.html }),
      text: r.text,
      headers,
    },
  };
}
