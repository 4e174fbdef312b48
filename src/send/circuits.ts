import type { Admission, CircuitReport, CircuitSettings, ProviderCircuit } from "./provider-circuit";

/**
 * `successes`, `failures` and `trips` are what the next flush reports (then zeroed); `streak` is
 * the consecutive failures this batch saw, which a flush does not reset: it is what stops the
 * batch using a failing provider, across every send run of the batch.
 */
type Tally = CircuitReport & { streak: number; probe: boolean; probeUsed: boolean; allow: boolean };

/**
 * A queue batch's view of the provider circuits: one admission call per circuit before sending and
 * one report per circuit after, instead of a Durable Object round trip per email. Within the batch
 * it also stops using a provider once the threshold of consecutive failures is reached.
 */
export class BatchCircuits {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly namespace: DurableObjectNamespace<ProviderCircuit>,
    private readonly settings: CircuitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(keys: Iterable<string>): Promise<void> {
    const pending = [...new Set(keys)].filter((k) => !this.tallies.has(k));
    const admissions = await Promise.all(pending.map((k) => this.stub(k).admit(this.now(), this.settings) as Promise<Admission>));
    pending.forEach((key, i) => {
      const a = admissions[i];
      this.tallies.set(key, { successes: 0, failures: 0, trips: 0, streak: 0, probe: a?.probe ?? false, probeUsed: false, allow: a?.allow ?? true });
    });
  }

  /** Whether the next send may use this provider; a half-open circuit lets one send through. */
  take(key: string): boolean {
    const t = this.tallies.get(key);
    if (!t) return true;
    if (!t.allow) return false;
    if (t.streak >= this.settings.failureThreshold) return false;
    if (t.probe) {
      if (t.probeUsed) return false;
      t.probeUsed = true;
    }
    return true;
  }

  record(key: string, outcome: "success" | "failure" | "trip", error?: string): void {
    const t = this.tallies.get(key);
    if (!t) return;
    if (outcome === "success") {
      t.successes++;
      t.failures = 0;
      t.streak = 0;
      // A successful probe closes the circuit for the rest of the batch too.
      t.probe = false;
    } else {
      if (outcome === "trip") t.trips++;
      else t.failures++;
      t.streak++;
      if (error) t.lastError = error;
    }
  }

  /**
   * Sends the outcomes counted since the last flush; returns the circuit keys they opened. The
   * counts start again from zero, so a second send run in the same batch reports only its own.
   */
  async flush(): Promise<string[]> {
    const used = [...this.tallies].filter(([, t]) => t.successes + t.failures + t.trips > 0);
    const results = await Promise.all(
      used.map(([key, t]) =>
        this.stub(key).report(this.now(), this.settings, {
          successes: t.successes,
          failures: t.failures,
          trips: t.trips,
          ...(t.lastError ? { lastError: t.lastError } : {}),
        }),
      ),
    );
    used.forEach(([, t], i) => {
      const state = results[i]?.state.state;
      Object.assign(t, { successes: 0, failures: 0, trips: 0, lastError: undefined });
      if (state === "open") t.allow = false;
      if (state === "closed") t.probe = false;
    });
    return used.filter((_, i) => results[i]?.opened).map(([key]) => key);
  }

  private stub(key: string) {
    return this.namespace.get(this.namespace.idFromName(key));
  }
}
