import { asc, eq } from "drizzle-orm";
import { type AttemptOutcome, emptyAttempts, loadProviderAttempts } from "./analytics/attempts";
import type { Latency } from "./analytics/sends";
import { providerConfigs } from "../platform/db/schema";
import type { CircuitState } from "../send/provider-circuit";
import { circuitKeyOf } from "../send/provider-chains";
import type { Services } from "../services";
import { environmentProviderSettings } from "../providers/defaults";

const DAY_MS = 86_400_000;

export type CircuitView = "closed" | "open" | "half-open";

export type ProviderHealth = {
  id: string | null;
  provider: string;
  position: number;
  enabled: boolean;
  circuit: CircuitView;
  openUntil: Date | null;
  lastFailureAt: Date | null;
  attemptsLast24h: Record<AttemptOutcome, number>;
  latencyMs: Latency;
};

/** An open circuit whose cool-down has passed lets the next send through as a probe: half-open in all but name. */
function viewOf(c: CircuitState, now: number): { circuit: CircuitView; openUntil: Date | null } {
  if (c.state === "open" && now < c.openUntil) return { circuit: "open", openUntil: new Date(c.openUntil) };
  return { circuit: c.state === "closed" ? "closed" : "half-open", openUntil: null };
}

/**
 * Each provider in the organisation's order (or the environment's, when it has none) with its
 * circuit as the ProviderCircuit object holds it, read through `status()`, which changes nothing,
 * and the organisation's attempts of the last day.
 */
export async function loadProviderHealth(services: Services, organizationId: string, now: number): Promise<{ providers: ProviderHealth[]; usingDefaults: boolean }> {
  const { db, env } = services;
  const [configs, attempts] = await Promise.all([
    db
      .select({ id: providerConfigs.id, provider: providerConfigs.provider, position: providerConfigs.position, enabled: providerConfigs.enabled })
      .from(providerConfigs)
      .where(eq(providerConfigs.organizationId, organizationId))
      .orderBy(asc(providerConfigs.position)),
    loadProviderAttempts(db, organizationId, new Date(now - DAY_MS)),
  ]);
  const usingDefaults = configs.length === 0;
  const chain = usingDefaults ? environmentProviderSettings(env).map((s, position) => ({ id: null, provider: s.provider, position, enabled: true })) : configs;
  const circuits = await Promise.all(chain.map((p) => env.PROVIDER_CIRCUIT.get(env.PROVIDER_CIRCUIT.idFromName(circuitKeyOf(p.provider, p.id))).status()));
  const providers = chain.map((p, i): ProviderHealth => {
    const a = attempts.get(p.provider) ?? emptyAttempts();
    const circuit = circuits[i];
    return {
      ...p,
      ...(circuit ? viewOf(circuit, now) : { circuit: "closed", openUntil: null }),
      lastFailureAt: a.lastFailureAt,
      attemptsLast24h: a.counts,
      latencyMs: a.latencyMs,
    };
  });
  return { providers, usingDefaults };
}
