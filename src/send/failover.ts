import type { EmailProvider, OutgoingEmail } from "../providers/provider";
import type { BatchCircuits } from "./circuits";
import type { AttemptRecord } from "./record";

/** A provider in an organisation's order, with the key of the circuit that guards it. */
export type ProviderHandle = { circuitKey: string; provider: EmailProvider };

export type FailoverResult =
  | { kind: "accepted"; provider: string; messageId: string; attempts: AttemptRecord[] }
  | { kind: "permanent"; reason: string; attempts: AttemptRecord[] }
  | { kind: "retryable"; reason: string; retryAfterSeconds?: number; attempts: AttemptRecord[] };

/**
 * Tries the providers in order. A retryable or configuration failure moves on to the next one at
 * once; a permanent failure (this message will never be accepted) stops, since another provider
 * would refuse it too or, worse, accept what the first rightly refused.
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
    attempts.push({ provider: provider.id, outcome: e.kind, httpStatus: e.httpStatus ?? null, providerMessageId: null, latencyMs, error: e.message });
    if (e.kind === "permanent") {
      // The provider is healthy: it answered, and the fault is the message's.
      circuits.record(circuitKey, "success");
      return { kind: "permanent", reason: e.message, attempts };
    }
    circuits.record(circuitKey, e.kind === "configuration" ? "trip" : "failure", e.message);
    reasons.push(e.message);
    if (e.retryAfterSeconds !== undefined) retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, e.retryAfterSeconds);
  }
  const reason = reasons.length > 0 ? reasons.join("; ") : "no provider is configured";
  return { kind: "retryable", reason, attempts, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}
