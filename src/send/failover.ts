import type { AttemptRecord } from "../platform/db/schema/delivery-attempts";
import type { EmailProvider, OutgoingEmail, SendErrorCode } from "../providers/provider";
import type { BatchCircuits } from "./circuits";

/** A provider in an organisation's order, with the key of the circuit that guards it. */
export type ProviderHandle = { circuitKey: string; provider: EmailProvider };

export type FailoverResult =
  | { kind: "accepted"; provider: string; messageId: string; attempts: AttemptRecord[] }
  | { kind: "refused"; reason: string; attempts: AttemptRecord[] }
  | { kind: "unavailable"; reason: string; retryAfterSeconds?: number; attempts: AttemptRecord[] };

/** How an attempt is stored (delivery_attempts.outcome and the API keep these words). */
const OUTCOME: Record<SendErrorCode, AttemptRecord["outcome"]> = { unavailable: "retryable", refused: "permanent", configuration: "configuration" };

/**
 * Tries the providers in order. An error worth retrying moves on to the next one at once; a
 * refusal (this message will never be accepted) stops, since another provider would refuse it
 * too or, worse, accept what the first rightly refused.
 */
export async function sendWithFailover(chain: ProviderHandle[], email: OutgoingEmail, circuits: BatchCircuits): Promise<FailoverResult> {
  const attempts: AttemptRecord[] = [];
  const reasons: string[] = [];
  let retryAfterSeconds: number | undefined;
  for (const { circuitKey, provider } of chain) {
    if (!circuits.take(circuitKey)) {
      reasons.push(`${provider.id}: skipped, circuit open`);
      continue;
    }
    const started = Date.now();
    const result = await provider.send(email);
    const latencyMs = Date.now() - started;
    if (result.ok) {
      circuits.record(circuitKey, "success");
      attempts.push({ provider: provider.id, outcome: "accepted", httpStatus: result.value.httpStatus ?? null, providerMessageId: result.value.messageId, latencyMs, error: null });
      return { kind: "accepted", provider: provider.id, messageId: result.value.messageId, attempts };
    }
    const e = result.error;
    attempts.push({ provider: provider.id, outcome: OUTCOME[e.code], httpStatus: e.httpStatus ?? null, providerMessageId: null, latencyMs, error: e.message });
    if (!e.retry) {
      // The provider is healthy: it answered, and the fault is the message's.
      circuits.record(circuitKey, "success");
      return { kind: "refused", reason: e.message, attempts };
    }
    circuits.record(circuitKey, e.code === "configuration" ? "trip" : "failure", e.message);
    reasons.push(e.message);
    if (e.retryAfterSeconds !== undefined) retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, e.retryAfterSeconds);
  }
  const reason = reasons.length > 0 ? reasons.join("; ") : "no provider is configured";
  return { kind: "unavailable", reason, attempts, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}
