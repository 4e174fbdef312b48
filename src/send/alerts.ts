import type { Services } from "../services";
import { type FireOptions, raiseAlert } from "../platform/alerts/fire";

/** How many examples an alert carries: enough to start looking, not a copy of the batch. */
const SAMPLE = 5;

export type FailedNotification = { organizationId: string; notificationId: string; reason: string };

/**
 * One alert per organisation per window for notifications that ended `failed` (a permanent refusal,
 * a template that does not render): a bad template fails every email, and one alert says so.
 */
export async function alertFailedNotifications(services: Pick<Services, "db" | "env">, failed: FailedNotification[], options: FireOptions = {}): Promise<void> {
  const byOrganization = new Map<string, FailedNotification[]>();
  for (const f of failed) byOrganization.set(f.organizationId, [...(byOrganization.get(f.organizationId) ?? []), f]);
  await Promise.all(
    [...byOrganization].map(([organizationId, list]) =>
      raiseAlert(services, {
        kind: "notification_failed",
        organizationId,
        subject: "Notifications failed",
        message: `${list.length} notification(s) ended failed; first reason: ${list[0]?.reason ?? "unknown"}`,
        details: { count: list.length, examples: list.slice(0, SAMPLE).map((f) => ({ id: f.notificationId, reason: f.reason })) },
      }, options),
    ),
  );
}

/** The dead-letter queue received messages: retries are exhausted, so mail is not going out. */
export async function alertDeadLettered(services: Pick<Services, "db" | "env">, input: { queue: string; count: number; notificationIds: string[] }, options: FireOptions = {}): Promise<void> {
  if (input.notificationIds.length === 0) return;
  await raiseAlert(services, {
    kind: "dead_letter",
    condition: input.queue,
    subject: "Messages reached the dead-letter queue",
    message: `${input.notificationIds.length} message(s) gave up after their retries; ${input.count} notification(s) marked failed.`,
    details: { queue: input.queue, failed: input.count, examples: input.notificationIds.slice(0, SAMPLE) },
  }, options);
}

/** A provider's circuit opened: its sends are skipped (failing over) until it recovers. */
export async function alertCircuitsOpened(services: Pick<Services, "db" | "env">, circuitKeys: string[], options: FireOptions = {}): Promise<void> {
  await Promise.all(
    circuitKeys.map((circuit) =>
      raiseAlert(services, {
        kind: "circuit_open",
        condition: circuit,
        subject: `Provider circuit ${circuit} opened`,
        message: `Provider ${circuit} failed repeatedly; it is skipped until a probe succeeds.`,
        details: { circuit },
      }, options),
    ),
  );
}
