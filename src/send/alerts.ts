import type { Services } from "../services";

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
