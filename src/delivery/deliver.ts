import type { OutgoingEmail } from "../providers/provider";
import { renderEmail } from "../render/render-email";
import type { Services } from "../services";
import { type ClaimedNotification, claimNotifications } from "./claim";
import { type AttemptRecord, type Outcome, recordOutcomes } from "./record";

/** What the queue should do with the message that carried a notification. */
export type Verdict = { action: "ack" } | { action: "retry"; retryAfterSeconds?: number };

/**
 * Claims, renders, sends and records a batch of notifications. Ids that could not be claimed
 * (already sent, or being sent by another consumer) are acked without sending anything.
 */
export async function deliverNotifications(services: Services, ids: string[]): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>(ids.map((id) => [id, { action: "ack" }]));
  const claimed = await claimNotifications(services.db, ids, services.env.SEND_LEASE_SECONDS);
  const outcomes = await Promise.all(claimed.map((n) => deliverOne(services, n)));
  await recordOutcomes(services.db, outcomes.map((o) => o.outcome));
  for (const { outcome, retryAfterSeconds } of outcomes) {
    if (outcome.next.status === "queued") verdicts.set(outcome.id, { action: "retry", ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }
  return verdicts;
}

async function deliverOne(services: Services, n: ClaimedNotification): Promise<{ outcome: Outcome; retryAfterSeconds?: number }> {
  const base = { id: n.id, organizationId: n.organizationId, attempt: n.attempt };
  let email: OutgoingEmail;
  try {
    const rendered = await renderEmail(n.template, {
      data: n.data,
      recipient: n.recipient,
      organization: { name: n.organization.name },
      event: { id: n.eventId, type: n.eventType },
    });
    email = {
      notificationId: n.id,
      organizationId: n.organizationId,
      to: { email: n.recipient.email, ...(n.recipient.name ? { name: n.recipient.name } : {}) },
      from: { email: n.organization.fromEmail, ...(n.organization.fromName ? { name: n.organization.fromName } : {}) },
      ...(n.organization.replyTo ? { replyTo: { email: n.organization.replyTo } } : {}),
      ...rendered,
      headers: {},
    };
  } catch (e) {
    // A template that cannot render will not render on retry either: fail now, with the reason.
    const reason = `template ${n.template.id} v${n.template.version} failed to render: ${e instanceof Error ? e.message : String(e)}`;
    return { outcome: { ...base, attempts: [], next: { status: "failed", reason, templateVersion: n.template.version } } };
  }

  const provider = services.provider;
  const started = Date.now();
  const result = await provider.send(email);
  const latencyMs = Date.now() - started;
  if (result.ok) {
    const attempt: AttemptRecord = { provider: provider.id, outcome: "accepted", httpStatus: result.value.httpStatus ?? null, providerMessageId: result.value.messageId, latencyMs, error: null };
    return { outcome: { ...base, attempts: [attempt], next: { status: "sent", provider: provider.id, providerMessageId: result.value.messageId, templateVersion: n.template.version } } };
  }
  const failure = result.error;
  const retryable = failure.kind !== "permanent";
  const attempt: AttemptRecord = { provider: provider.id, outcome: retryable ? "retryable" : "permanent", httpStatus: failure.httpStatus ?? null, providerMessageId: null, latencyMs, error: failure.message };
  if (retryable) {
    return { outcome: { ...base, attempts: [attempt], next: { status: "queued", reason: failure.message } }, ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) };
  }
  return { outcome: { ...base, attempts: [attempt], next: { status: "failed", reason: failure.message, templateVersion: n.template.version } } };
}
