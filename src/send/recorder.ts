import { sql } from "drizzle-orm";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import type { ClaimedMail, MailKind, Outcome } from "./mail";

/** Outcomes wait at most this long, or until this many gather, before they are written. */
const FLUSH_AFTER_MS = 2_000;
const FLUSH_AT = 50;
/** A failed write of outcomes is tried again this many times: what a provider accepted must be recorded, or it is sent again. */
const WRITE_TRIES = 3;

/**
 * Records each outcome soon after its send returns, instead of once for the whole batch, and
 * keeps the leases of what is still being sent alive meanwhile. A slow provider therefore never
 * outlives a claim (the sweeper would hand the email to a second consumer, which would send it
 * again), and a consumer that dies mid-batch loses at most the last couple of seconds' outcomes.
 * With a fast provider the whole batch still lands in one or two writes.
 */
export class OutcomeRecorder<C extends ClaimedMail> {
  private pending: Outcome<C>[] = [];
  private oldest = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly unrecorded: Map<string, C>;
  private heartbeat: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly services: Services,
    private readonly kind: MailKind<C>,
    inFlight: C[],
  ) {
    this.unrecorded = new Map(inFlight.map((m) => [m.id, m]));
    this.scheduleRenewal();
  }

  /** Adds an outcome; writes the gathered ones when enough are waiting or the oldest has waited long enough. */
  async add(outcome: Outcome<C>): Promise<void> {
    if (this.pending.length === 0) this.oldest = Date.now();
    this.pending.push(outcome);
    if (this.pending.length >= FLUSH_AT || Date.now() - this.oldest >= FLUSH_AFTER_MS) await this.flush();
  }

  /** Writes what is waiting; writes run one after another, in the order they were asked for. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  /** The last write, and no more lease renewals. */
  async close(): Promise<void> {
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    await this.flush();
  }

  private async write(batch: Outcome<C>[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.kind.record(this.services, batch);
        for (const o of batch) this.unrecorded.delete(o.mail.id);
        return;
      } catch (e) {
        if (attempt >= WRITE_TRIES) throw e;
        this.services.log.warn("recording outcomes failed; trying again", { kind: this.kind.noun, count: batch.length, attempt, error: messageOf(e) });
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  /** Every third of a lease, the claims still sending are extended by a whole lease. */
  private scheduleRenewal(): void {
    const everyMs = Math.max(1, this.services.env.SEND_LEASE_SECONDS / 3) * 1000;
    this.heartbeat = setTimeout(() => {
      void this.renew().finally(() => {
        if (this.heartbeat !== undefined) this.scheduleRenewal();
      });
    }, everyMs);
  }

  private async renew(): Promise<void> {
    const open = [...this.unrecorded.values()];
    if (open.length === 0) return;
    const rows = sql.join(
      open.map((m) => sql`(${m.id}::uuid, ${m.attempt}::int)`),
      sql`, `,
    );
    try {
      await this.services.db.execute(sql`
        UPDATE ${sql.raw(this.kind.table)} t SET lease_expires_at = now() + make_interval(secs => ${this.services.env.SEND_LEASE_SECONDS}), updated_at = now()
          FROM (VALUES ${rows}) AS v(id, attempt)
         WHERE t.id = v.id AND t.attempts = v.attempt AND t.status = 'sending'`);
    } catch (e) {
      // The next renewal tries again; a lease that does lapse costs at most one resend.
      this.services.log.warn("lease renewal failed", { kind: this.kind.noun, count: open.length, error: messageOf(e) });
    }
  }
}
