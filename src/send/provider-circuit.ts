import { DurableObject } from "cloudflare:workers";
import { z } from "zod";

export const CircuitSettings = z.object({
  failureThreshold: z.number().int().positive(),
  cooldownSeconds: z.number().positive(),
});
export type CircuitSettings = z.infer<typeof CircuitSettings>;

export const CircuitReport = z.object({
  successes: z.number().int().min(0),
  failures: z.number().int().min(0),
  /** Failures that prove the provider unusable (bad credentials, suspended account): open at once. */
  trips: z.number().int().min(0),
  lastError: z.string().optional(),
});
export type CircuitReport = z.infer<typeof CircuitReport>;

export type CircuitState = { state: "closed" | "open" | "half_open"; failures: number; openUntil: number; probeUntil: number; lastError?: string };
export type Admission = { allow: boolean; probe: boolean; state: CircuitState["state"] };

const INITIAL: CircuitState = { state: "closed", failures: 0, openUntil: 0, probeUntil: 0 };

/**
 * The circuit breaker of one provider configuration, shared by every Worker instance: one object
 * per circuit key, so all consumers agree when a provider is skipped and who probes it again.
 * Callers pass `now` so behaviour over time is testable without waiting.
 */
export class ProviderCircuit extends DurableObject<Record<string, unknown>> {
  private circuit: CircuitState = INITIAL;

  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.circuit = (await ctx.storage.get<CircuitState>("circuit")) ?? INITIAL;
    });
  }

  /** May a send go to this provider now? In half-open state one caller at a time gets to probe. */
  admit(now: number, settings: CircuitSettings): Admission {
    CircuitSettings.parse(settings);
    const c = this.circuit;
    if (c.state === "closed") return { allow: true, probe: false, state: "closed" };
    if (c.state === "open" && now < c.openUntil) return { allow: false, probe: false, state: "open" };
    if (c.state === "half_open" && now < c.probeUntil) return { allow: false, probe: false, state: "half_open" };
    // Cool-down over (or the last probe vanished): grant one probe for a while.
    this.save({ ...c, state: "half_open", probeUntil: now + settings.cooldownSeconds * 1000 });
    return { allow: true, probe: true, state: "half_open" };
  }

  /**
   * Folds a batch's outcomes in; answers whether this report opened the circuit (for alerting).
   * `failures` are the consecutive failures at the end of the batch: a success in between resets
   * the count, so only an unbroken run of failures opens the circuit.
   */
  report(now: number, settings: CircuitSettings, input: CircuitReport): { opened: boolean; state: CircuitState } {
    const r = CircuitReport.parse(input);
    const c = this.circuit;
    const recovered = r.successes > 0;
    const failures = (recovered ? 0 : c.failures) + r.failures + r.trips;
    const lastError = r.lastError ?? c.lastError;
    const halfOpenFailed = c.state === "half_open" && !recovered && failures > 0;
    if (r.trips > 0 || halfOpenFailed || failures >= settings.failureThreshold) {
      const wasOpen = c.state === "open";
      this.save({ state: "open", failures, openUntil: now + settings.cooldownSeconds * 1000, probeUntil: 0, ...(lastError ? { lastError } : {}) });
      return { opened: !wasOpen, state: this.circuit };
    }
    if (recovered || c.state === "closed") this.save({ ...INITIAL, failures, ...(lastError ? { lastError } : {}) });
    return { opened: false, state: this.circuit };
  }

  status(): CircuitState {
    return this.circuit;
  }

  private save(next: CircuitState) {
    this.circuit = next;
    void this.ctx.storage.put("circuit", next);
  }
}
