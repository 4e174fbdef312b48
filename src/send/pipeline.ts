import { holdBack } from "../decide/hold-back";
import { mapWithConcurrency } from "../platform/concurrency";
import { messageOf } from "../platform/log";
import { err } from "../platform/result";
import type { Services } from "../services";
import { alertCircuitsOpened, alertFailedMail } from "./alerts";
import { type ProviderHandle, sendWithFailover } from "./failover";
import { ACK, type ClaimedMail, type Composed, type MailJob, type MailKind, type Outcome, type Verdict } from "./mail";
import { renderPhase } from "./render-phase";

/**
 * workerd lets one invocation hold six outbound connections at once; more sends in flight only
 * queue inside the runtime, and a bounded pool lets a failing provider's circuit trip mid-batch.
 */
const SEND_CONCURRENCY = 6;

/**
 * The one way an email leaves Tidings, for a notification and a digest alike: claim with a lease,
 * hold back (suppressed address, paused organisation), apply the recipient's current choices,
 * render, send with failover across the organisation's providers and their circuits, record each
 * outcome with its attempts, raise the alerts. Returns what the queue should do with each job.
 */
export async function sendMail<C extends ClaimedMail>(services: Services, kind: MailKind<C>, jobs: MailJob[]): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>(jobs.map((j) => [j.id, ACK]));
  if (jobs.length === 0) return verdicts;
  const { claimed, later } = await kind.claim(services, jobs);
  for (const [id, verdict] of later) verdicts.set(id, verdict);
  if (claimed.length === 0) return verdicts;

  const { sendable, suppressed } = await holdBack(services, kind.table, claimed);
  const toSend = await kind.decide(services, sendable);
  if (toSend.length === 0) {
    await kind.record(services, suppressed);
    return verdicts;
  }

  const chains = await services.providerChains([...new Set(toSend.map((m) => m.organizationId))]);
  await services.circuits.admit([...chains.values()].flat().map((h) => h.circuitKey));
  // Every email of the batch is rendered before the first is sent (CPU first, then I/O); with
  // DEV_MODE the phase is timed for `npm run bench`.
  const composed = await renderPhase(toSend, (m) => kind.compose(services, m), services.env.DEV_MODE, services.log, kind.noun);
  const sent = await mapWithConcurrency(toSend, SEND_CONCURRENCY, async (m) =>
    sendOne(services, m, await composed(m).catch((e: unknown) => err(`rendering threw: ${messageOf(e)}`)), chains.get(m.organizationId) ?? []),
  );
  await kind.record(services, [...suppressed, ...sent.map((s) => s.outcome)]);
  // What was sent is recorded: from here on, trouble only costs a report or an alert, never a resend.
  try {
    await alertCircuitsOpened(services, await services.circuits.flush());
    await alertFailedMail(
      services,
      kind.noun,
      sent.flatMap(({ outcome: o }) => (o.next.status === "failed" ? [{ organizationId: o.mail.organizationId, id: o.mail.id, reason: o.next.reason }] : [])),
    );
  } catch (e) {
    services.log.error("circuit report or alert failed after the batch was recorded", { kind: kind.noun, error: messageOf(e) });
  }
  for (const { outcome, retryAfterSeconds } of sent) {
    if (outcome.next.status === "queued") verdicts.set(outcome.mail.id, { retry: true, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }
  return verdicts;
}

type Sent<C extends ClaimedMail> = { outcome: Outcome<C>; retryAfterSeconds?: number };

async function sendOne<C extends ClaimedMail>(services: Services, mail: C, composed: Composed, chain: ProviderHandle[]): Promise<Sent<C>> {
  // A template that cannot render will not render on retry either: fail now, with the reason.
  if (!composed.ok) return { outcome: { mail, attempts: [], next: { status: "failed", reason: composed.error } } };
  let result: Awaited<ReturnType<typeof sendWithFailover>>;
  try {
    result = await sendWithFailover(chain, composed.value, services.circuits);
  } catch (e) {
    // A provider should answer with a value, never throw; if one does, whether it sent is unknown,
    // and the email is retried like any other unanswered send.
    return { outcome: { mail, attempts: [], next: { status: "queued", reason: `sending threw: ${messageOf(e)}` } } };
  }
  switch (result.kind) {
    case "accepted":
      return { outcome: { mail, attempts: result.attempts, next: { status: "sent", provider: result.provider, providerMessageId: result.messageId } } };
    case "refused":
      return { outcome: { mail, attempts: result.attempts, next: { status: "failed", reason: result.reason } } };
    case "unavailable":
      return {
        outcome: { mail, attempts: result.attempts, next: { status: "queued", reason: result.reason } },
        ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
      };
  }
}
