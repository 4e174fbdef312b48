import type { Services } from "../services";
import type { Misconfiguration } from "./failover";

/** How many examples an alert carries: enough to start looking, not a copy of the batch. */
const SAMPLE = 5;

/** An email (notification or digest) that ended `failed`, and why. */
export type FailedMail = { organizationId: string; id: string; reason: string };

/**
 * One alert per organisation per window for emails that ended `failed` (a permanent refusal, a
 * template that does not render): a bad template fails every email, and one alert says so.
 */
export async function alertFailedMail(services: Services, noun: "notification" | "digest", failed: FailedMail[]): Promise<void> {
  const byOrganization = new Map<string, FailedMail[]>();
  for (const f of failed) byOrganization.set(f.organizationId, [...(byOrganization.get(f.organizationId) ?? []), f]);
  await Promise.all(
    [...byOrganization].map(([organizationId, list]) =>
      services.alerts.raise({
        kind: "notification_failed",
        organizationId,
        // Digests and notifications fail for different reasons (another template): one must not hide the other.
        condition: noun,
        subject: noun === "digest" ? "Digests failed" : "Notifications failed",
        message: `${list.length} ${noun}(s) ended failed; first reason: ${list[0]?.reason ?? "unknown"}`,
        details: { count: list.length, examples: list.slice(0, SAMPLE).map((f) => ({ id: f.id, reason: f.reason })) },
      }),
    ),
  );
}

/**
 * The dead-letter queue received messages: retries are exhausted, so mail is not going out. The
 * operator hears of the whole batch; each organisation whose mail it failed hears of its own.
 */
export async function alertDeadLettered(services: Services, input: { queue: string; failed: { id: string; organizationId: string }[]; ids: string[] }): Promise<void> {
  if (input.ids.length === 0) return;
  const byOrganization = new Map<string, string[]>();
  for (const f of input.failed) byOrganization.set(f.organizationId, [...(byOrganization.get(f.organizationId) ?? []), f.id]);
  await Promise.all([
    services.alerts.raise({
      kind: "dead_letter",
      condition: input.queue,
      subject: "Messages reached the dead-letter queue",
      message: `${input.ids.length} message(s) gave up after their retries; ${input.failed.length} email(s) marked failed.`,
      details: { queue: input.queue, failed: input.failed.length, examples: input.ids.slice(0, SAMPLE) },
    }),
    ...[...byOrganization].map(([organizationId, ids]) =>
      services.alerts.raise({
        kind: "dead_letter",
        organizationId,
        condition: input.queue,
        subject: "Emails gave up after their retries",
        message: `${ids.length} of your email(s) could not be sent after every retry and ended failed; GET /v1/notifications/:id says why.`,
        details: { failed: ids.length, examples: ids.slice(0, SAMPLE) },
      }),
    ),
  ]);
}

/**
 * A provider's circuit opened: its sends are skipped (failing over) until it recovers. The
 * operator hears of the circuit; each organisation of the batch that sends through it hears that
 * its mail fails over or waits, since the environment's circuits are shared by many.
 */
export async function alertCircuitsOpened(services: Services, circuitKeys: string[], usedBy: Map<string, { circuitKey: string }[]> = new Map()): Promise<void> {
  const opened = new Set(circuitKeys);
  const organizations = [...usedBy].flatMap(([organizationId, chain]) => chain.filter((h) => opened.has(h.circuitKey)).map((h) => ({ organizationId, circuit: h.circuitKey })));
  await Promise.all([
    ...[...opened].map((circuit) =>
      services.alerts.raise({
        kind: "circuit_open",
        condition: circuit,
        subject: `Provider circuit ${circuit} opened`,
        message: `Provider ${circuit} failed repeatedly; it is skipped until a probe succeeds.`,
        details: { circuit },
      }),
    ),
    ...organizations.map(({ organizationId, circuit }) =>
      services.alerts.raise({
        kind: "circuit_open",
        organizationId,
        condition: circuit,
        subject: "A provider your mail goes through is failing",
        message: `Provider ${circuit.split(":")[0]} failed repeatedly; your mail fails over to the next provider, or waits and is retried until it recovers.`,
        details: { circuit },
      }),
    ),
  ]);
}

/**
 * A provider refused how it is set up. Shared credentials refused (the environment's account) is
 * the operator's to fix and alerts once for everybody; an organisation's own credentials, or its
 * sender, alert that organisation.
 */
export async function alertMisconfiguredProviders(services: Pick<Services, "alerts">, misconfigured: Misconfiguration[]): Promise<void> {
  const distinct = new Map<string, Misconfiguration>();
  for (const m of misconfigured) {
    const operator = m.shared && m.about === "account";
    distinct.set(`${operator ? "*" : m.organizationId}|${m.circuitKey}|${m.about}`, m);
  }
  await Promise.all(
    [...distinct.values()].map((m) => {
      const operator = m.shared && m.about === "account";
      return services.alerts.raise({
        kind: "provider_configuration",
        ...(operator ? {} : { organizationId: m.organizationId }),
        condition: `${m.circuitKey}:${m.about}`,
        subject: m.about === "account" ? `Provider ${m.provider} refused its credentials` : `Provider ${m.provider} refused the sender`,
        message:
          m.about === "account"
            ? `${m.reason}. Mail fails over to the next provider meanwhile; fix the ${operator ? "deployment's" : "organisation's"} ${m.provider} settings.`
            : `${m.reason}. Verify the sending address or domain with ${m.provider}; meanwhile this organisation's mail fails over or waits.`,
        details: { circuit: m.circuitKey, about: m.about },
      });
    }),
  );
}
