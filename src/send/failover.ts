import type { AttemptRecord } from "../platform/db/schema/delivery-attempts";
import { redactForAddressee } from "../platform/redact/text";
import type { EmailProvider, OutgoingEmail, SendError, SendErrorCode } from "../providers/provider";
import type { BatchCircuits } from "./circuits";

/** A provider in an organisation's order, with the key of the circuit that guards it. */
export type ProviderHandle = { circuitKey: string; provider: EmailProvider; shared: boolean };

/** A provider answered that it cannot be used as configured: somebody must fix it, and an alert says so. */
export type Misconfiguration = { circuitKey: string; provider: string; about: NonNullable<SendError["about"]>; organizationId: string; shared: boolean; reason: string };

export type FailoverResult = (
  | { kind: "accepted"; provider: string; messageId: string | null }
  | { kind: "refused"; reason: string }
  | { kind: "unavailable"; reason: string; retryAfterSeconds?: number }
) & { attempts: AttemptRecord[]; misconfigured: Misconfiguration[] };

/** How an attempt is stored (delivery_attempts.outcome and the API keep these words). */
const OUTCOME: Record<SendErrorCode, AttemptRecord["outcome"]> = { unavailable: "retryable", refused: "permanent", configuration: "configuration" };

/**
 * Tries the providers in order. An error worth retrying moves on to the next one at once; a
 * refusal (this message will never be accepted) stops, since another provider would refuse it
 * too or, worse, accept what the first rightly refused.
 *
 * Circuits hear only what says the provider itself is unwell: timeouts, network errors, 429 and
 * 5xx. An answer about one tenant's sender or message, and any answer about credentials that
 * several organisations share, leaves the circuit alone, or one organisation's unverified sender
 * would stop everybody's mail; it is reported as a misconfiguration (an alert) instead. Only an
 * organisation's own credentials being refused opens its own circuit, which no one else uses.
 */
export async function sendWithFailover(chain: ProviderHandle[], email: OutgoingEmail, circuits: BatchCircuits, organizationId: string): Promise<FailoverResult> {
  const attempts: AttemptRecord[] = [];
  const misconfigured: Misconfiguration[] = [];
  const reasons: string[] = [];
  let retryAfterSeconds: number | undefined;
  for (const { circuitKey, provider, shared } of chain) {
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
      return { kind: "accepted", provider: provider.id, messageId: result.value.messageId, attempts, misconfigured };
    }
    // Providers quote the recipient back ("<ada@…>: Recipient address rejected"); from here the text
    // is stored (attempts, failure reasons, digests' attempt logs) and sent in alerts, so it is scrubbed once, here.
    const e = { ...result.error, message: redactForAddressee(result.error.message, email.to) };
    attempts.push({ provider: provider.id, outcome: OUTCOME[e.code], httpStatus: e.httpStatus ?? null, providerMessageId: null, latencyMs, error: e.message });
    if (!e.retry) {
      // The provider is healthy: it answered, and the fault is the message's.
      circuits.record(circuitKey, "success");
      return { kind: "refused", reason: e.message, attempts, misconfigured };
    }
    if (e.code === "configuration") {
      const about = e.about ?? "account";
      misconfigured.push({ circuitKey, provider: provider.id, about, organizationId, shared, reason: e.message });
      if (about === "account" && !shared) circuits.record(circuitKey, "trip", e.message);
    } else {
      circuits.record(circuitKey, "failure", e.message);
    }
    reasons.push(e.message);
    if (e.retryAfterSeconds !== undefined) retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, e.retryAfterSeconds);
  }
  const reason = reasons.length > 0 ? reasons.join("; ") : "no provider is configured";
  return { kind: "unavailable", reason, attempts, misconfigured, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}
