import type { OutgoingEmail } from "../providers/provider";
import type { AttemptRecord } from "../platform/db/schema/delivery-attempts";
import type { Result } from "../platform/result";
import type { Services } from "../services";

/** One queue job: the id of a notification or digest, and how many times the queue has delivered it. */
export type MailJob = { id: string; attempt: number };

/**
 * What the queue should do with a job's message: ack it, or hand it back for another try after
 * `delaySeconds` (the send pipeline's backoff, or a digest waiting for its last items).
 */
export type Verdict = { retry: false } | { retry: true; delaySeconds: number };

export const ACK: Verdict = { retry: false };

/**
 * An email this consumer holds a lease on: what every step of the pipeline needs whatever its
 * kind. A notification and a digest are both one email to one recipient.
 */
export type ClaimedMail = {
  id: string;
  organizationId: string;
  /** The claim's token: later writes land only while the row's `attempts` still equals it. */
  attempt: number;
  /** Send rounds already spent (providers tried, none took it): see src/send/retry.ts. */
  retryRounds: number;
  /** The recipient's internal id (recipients.id). */
  recipientId: string;
  /** Critical mail passes opt-outs, digests and a paused organisation; never a hard bounce. */
  critical: boolean;
  recipient: { email: string };
  /** `paused`: the bounce-rate guard stopped the organisation's non-critical mail. `fromEmail`'s domain must be one it may send from (src/send/sender-identity.ts). */
  organization: { paused: boolean; fromEmail: string };
};

/** A rendered email, or why it cannot be rendered (a reason a person reads on the notification). */
export type Composed = Result<OutgoingEmail, string>;

/** Where a claimed email goes next: sent, failed for good, released to be retried, or stopped by a suppression. */
export type NextState =
  /** `providerMessageId` is null when the provider accepted but named no id: sent all the same, never sent again. */
  | { status: "sent"; provider: string; providerMessageId: string | null }
  | { status: "failed"; reason: string }
  /** Back to the queue after `delaySeconds`; `counted` when providers were tried (a round spent). */
  | { status: "queued"; reason: string; counted: boolean; delaySeconds: number }
  | { status: "suppressed"; reason: string };

export type Outcome<C extends ClaimedMail> = { mail: C; attempts: AttemptRecord[]; next: NextState };

/**
 * What a kind of email brings to the one send pipeline (src/send/pipeline.ts): how to claim its
 * rows, what the recipient's current choices make of them, how to compose one, how to record an
 * outcome. Holding back, provider failover, circuits and alerts are the pipeline's, not the kind's.
 */
export interface MailKind<C extends ClaimedMail> {
  /** The table of its rows; holding back writes `paused` there. */
  readonly table: "notifications" | "digests";
  /** What alerts and logs call one of these. */
  readonly noun: "notification" | "digest";
  /** Claims the jobs' rows with a lease. A job not claimed is acked, unless `later` asks for a retry. */
  claim(services: Services, jobs: MailJob[]): Promise<{ claimed: C[]; later: Map<string, Verdict> }>;
  /** Applies the recipient's current choices; records what is not sent now (skipped, batched, empty) and returns the rest. */
  decide(services: Services, claimed: C[]): Promise<C[]>;
  /** Renders one email; a failure is final (a template that cannot render will not render on retry). */
  compose(services: Services, mail: C): Promise<Composed>;
  /** Writes outcomes and attempts in one round trip, each only while its claim still holds. */
  record(services: Services, outcomes: Outcome<C>[]): Promise<void>;
}
