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

/** The dead-letter queue received messages: retries are exhausted, so mail is not going out. */
export async function alertDeadLettered(services: Services, input: { queue: string; count: number; ids: string[] }): Promise<void> {
  if (input.ids.length === 0) return;
  await services.alerts.raise({
    kind: "dead_letter",
    condition: input.queue,
    subject: "Messages reached the dead-letter queue",
    message: `${input.ids.length} message(s) gave up after their retries; ${input.count} email(s) marked failed.`,
    details: { queue: input.queue, failed: input.count, examples: input.ids.slice(0, SAMPLE) },
  });
}

/** A provider's circuit opened: its sends are skipped (failing over) until it recovers. */
export async function alertCircuitsOpened(services: Services, circuitKeys: string[]): Promise<void> {
  await Promise.all(
    [...new Set(circuitKeys)].map((circuit) =>
      services.alerts.raise({
        kind: "circuit_open",
        condition: circuit,
        subject: `Provider circuit ${circuit} opened`,
        message: `Provider ${circuit} failed repeatedly; it is skipped until a probe succeeds.`,
        details: { circuit },
      }),
    ),
  );
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
