import { holdBack } from "../decide/hold-back";
import { mapWithConcurrency } from "../platform/concurrency";
import { messageOf } from "../platform/log";
import { err } from "../platform/result";
import type { Services } from "../services";
import { alertCircuitsOpened, alertFailedMail, alertMisconfiguredProviders, type FailedMail } from "./alerts";
import { type FailoverResult, type ProviderHandle, sendWithFailover } from "./failover";
import { ACK, type ClaimedMail, type Composed, type MailJob, type MailKind, type NextState, type Outcome, type Verdict } from "./mail";
import { OutcomeRecorder } from "./recorder";
import { renderPhase } from "./render-phase";
import { checkSenders } from "./sender-identity";
import { afterFailedRound, afterSkippedRound, type RetryPolicy, retryPolicy } from "./retry";

/**
 * workerd lets one invocation hold six outbound connections at once; more sends in flight only
 * queue inside the runtime, and a bounded pool lets a failing provider's circuit trip mid-batch.
 */
const SEND_CONCURRENCY = 6;

/**
 * The one way an email leaves Tidings, for a notification and a digest alike: claim with a lease,
 * hold back (suppressed address, paused organisation), apply the recipient's current choices,
 * refuse a From domain the organisation may not send from, render, send with failover across the
 * organisation's providers and their circuits, record each outcome with its attempts as soon as
 * it is known, raise the alerts. Returns what the queue should do with each job.
 */
export async function sendMail<C extends ClaimedMail>(services: Services, kind: MailKind<C>, jobs: MailJob[]): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>(jobs.map((j) => [j.id, ACK]));
  if (jobs.length === 0) return verdicts;
  const queueAttempt = new Map(jobs.map((j) => [j.id, j.attempt]));
  const { claimed, later } = await kind.claim(services, jobs);
  for (const [id, verdict] of later) verdicts.set(id, verdict);
  if (claimed.length === 0) return verdicts;

  const { sendable, suppressed } = await holdBack(services, kind.table, claimed);
  const decided = await kind.decide(services, sendable);
  // What the recipient still wants, from a From the organisation may send from; the rest fails here, before any provider.
  const senders = await checkSenders(services, decided);
  const refused: Outcome<C>[] = senders.refused.map(({ mail, reason }) => ({ mail, attempts: [], next: { status: "failed", reason } }));
  const failed: FailedMail[] = senders.refused.map(({ mail, reason }) => ({ organizationId: mail.organizationId, id: mail.id, reason }));
  const toSend = senders.sendable;
  if (toSend.length === 0) {
    await kind.record(services, [...suppressed, ...refused]);
    if (failed.length > 0) await raiseAlerts(services, kind.noun, { failed, misconfigured: [] });
    return verdicts;
  }

  const chains = await services.providerChains([...new Set(toSend.map((m) => m.organizationId))], senders.dkim);
  await services.circuits.admit([...chains.values()].flat().map((h) => h.circuitKey));
  // Every email of the batch is rendered before the first is sent (CPU first, then I/O); with
  // DEV_MODE the phase is timed for `npm run bench`.
  const composed = await renderPhase(toSend, (m) => kind.compose(services, m), services.env.DEV_MODE, services.log, kind.noun);
  const policy = retryPolicy(services.env);
  const recorder = new OutcomeRecorder(services, kind, toSend);
  const misconfigured: FailoverResult["misconfigured"] = [];
  try {
    for (const outcome of [...suppressed, ...refused]) await recorder.add(outcome);
    await mapWithConcurrency(toSend, SEND_CONCURRENCY, async (mail) => {
      const rendered = await composed(mail).catch((e: unknown): Composed => err(`rendering threw: ${messageOf(e)}`));
      const { attempts, next } = await sendOne(services, mail, rendered, chains.get(mail.organizationId) ?? [], policy, queueAttempt.get(mail.id) ?? 1, misconfigured);
      if (next.status === "failed") failed.push({ organizationId: mail.organizationId, id: mail.id, reason: next.reason });
      if (next.status === "queued") verdicts.set(mail.id, { retry: true, delaySeconds: next.delaySeconds });
      await recorder.add({ mail, attempts, next });
    });
  } finally {
    await recorder.close();
  }
  await raiseAlerts(services, kind.noun, { failed, misconfigured, chains });
  return verdicts;
}

/** What was sent is recorded: from here on, trouble only costs a report or an alert, never a resend. */
async function raiseAlerts(
  services: Services,
  noun: "notification" | "digest",
  { failed, misconfigured, chains }: { failed: FailedMail[]; misconfigured: FailoverResult["misconfigured"]; chains?: Map<string, ProviderHandle[]> },
): Promise<void> {
  try {
    // Only a run that sent counted circuit outcomes; `chains` says whose mail goes through each circuit.
    if (chains) await alertCircuitsOpened(services, await services.circuits.flush(), chains);
    await alertFailedMail(services, noun, failed);
    await alertMisconfiguredProviders(services, misconfigured);
  } catch (e) {
    services.log.error("circuit report or alert failed after the batch was recorded", { kind: noun, error: messageOf(e) });
  }
}

async function sendOne<C extends ClaimedMail>(
  services: Services,
  mail: C,
  composed: Composed,
  chain: ProviderHandle[],
  policy: RetryPolicy,
  queueAttempt: number,
  misconfigured: FailoverResult["misconfigured"],
): Promise<Pick<Outcome<C>, "attempts" | "next">> {
  // A template that cannot render will not render on retry either: fail now, with the reason.
  if (!composed.ok) return { attempts: [], next: { status: "failed", reason: composed.error } };
  let result: FailoverResult;
  try {
    result = await sendWithFailover(chain, composed.value, services.circuits, mail.organizationId);
  } catch (e) {
    // A provider should answer with a value, never throw; if one does, whether it sent is unknown,
    // and the email is retried like any unanswered send.
    return { attempts: [], next: nextAfterUnavailable(mail, `sending threw: ${messageOf(e)}`, true, undefined, policy, queueAttempt) };
  }
  misconfigured.push(...result.misconfigured);
  switch (result.kind) {
    case "accepted":
      if (result.messageId === null) services.log.warn("provider accepted without a message id; recorded as sent", { id: mail.id, provider: result.provider });
      return { attempts: result.attempts, next: { status: "sent", provider: result.provider, providerMessageId: result.messageId } };
    case "refused":
      return { attempts: result.attempts, next: { status: "failed", reason: result.reason } };
    case "unavailable":
      return { attempts: result.attempts, next: nextAfterUnavailable(mail, result.reason, result.attempts.length > 0, result.retryAfterSeconds, policy, queueAttempt) };
  }
}

/**
 * No provider took the email. When providers were tried, that is a round: the email waits and
 * comes back, until the policy's last round fails it. When every circuit was open nothing was
 * tried, which costs no round: it comes back once a probe may go through.
 */
function nextAfterUnavailable(mail: ClaimedMail, reason: string, tried: boolean, retryAfterSeconds: number | undefined, policy: RetryPolicy, queueAttempt: number): NextState {
  if (!tried) return { status: "queued", reason, counted: false, delaySeconds: afterSkippedRound(queueAttempt, policy) };
  const round = mail.retryRounds + 1;
  const next = afterFailedRound(round, policy, retryAfterSeconds);
  if (next.giveUp) return { status: "failed", reason: `gave up after ${round} send rounds: ${reason}` };
  return { status: "queued", reason, counted: true, delaySeconds: next.delaySeconds };
}
