import { z } from "zod";
import { alerts } from "../db/schema";
import { err, ok, type Result } from "../result";
import type { Services } from "../../services";
import { postSlackMessage, slackMessage } from "./slack";

export const AlertKind = z.enum(["notification_failed", "dead_letter", "circuit_open", "bounce_guard"]);
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertInput = z.object({
  kind: AlertKind,
  organizationId: z.string().uuid().optional(),
  /** Tells conditions of one kind apart (a circuit key, a queue name); together with kind and organisation it is what fires once per window. */
  condition: z.string().max(200).optional(),
  subject: z.string().min(1).max(200),
  message: z.string().max(2000),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type AlertInput = z.input<typeof AlertInput>;

/** `delivery` settles when the webhook POST is done; it never rejects, so it may go to `waitUntil`. */
export type FiredAlert = { fired: true; id: string; dedupeKey: string; delivery: Promise<void> } | { fired: false; dedupeKey: string };

export type AlertError = { code: "INVALID_ALERT" | "ALERT_NOT_STORED"; message: string; retry: boolean };

export type FireOptions = { now?: Date; fetch?: typeof fetch };

/**
 * The condition's key for the window `now` falls in. Windows are aligned to the epoch, so every
 * isolate computes the same key without coordination; a condition that straddles a boundary can
 * alert twice in quick succession, once per window, never more.
 */
export function alertDedupeKey(input: Pick<AlertInput, "kind" | "organizationId" | "condition">, now: Date, windowSeconds: number): string {
  const window = Math.floor(now.getTime() / (windowSeconds * 1000));
  return [input.kind, input.organizationId ?? "*", input.condition ?? "", window].join("|");
}

/**
 * Fires an alert unless the same condition already fired in this window: the alerts table's unique
 * dedupe key decides, so concurrent isolates agree. A new alert is logged as a structured line at
 * once; the POST to ALERT_WEBHOOK_URL is returned as `delivery` for the caller to await or hand to
 * `waitUntil` (it uses no database connection, so it may outlive the request's pool).
 */
export async function fireAlert(services: Pick<Services, "db" | "env">, input: AlertInput, options: FireOptions = {}): Promise<Result<FiredAlert, AlertError>> {
  const parsed = AlertInput.safeParse(input);
  if (!parsed.success) return err({ code: "INVALID_ALERT", message: parsed.error.message, retry: false });
  const alert = parsed.data;
  const now = options.now ?? new Date();
  const dedupeKey = alertDedupeKey(alert, now, services.env.ALERT_WINDOW_SECONDS);
  let inserted: { id: string }[];
  try {
    inserted = await services.db
      .insert(alerts)
      .values({
        organizationId: alert.organizationId ?? null,
        kind: alert.kind,
        dedupeKey,
        payload: { subject: alert.subject, message: alert.message, condition: alert.condition ?? null, details: alert.details },
        firedAt: now,
      })
      .onConflictDoNothing({ target: alerts.dedupeKey })
      .returning({ id: alerts.id });
  } catch (e) {
    return err({ code: "ALERT_NOT_STORED", message: e instanceof Error ? e.message : String(e), retry: true });
  }
  const row = inserted[0];
  if (!row) return ok({ fired: false, dedupeKey });

  console.error(JSON.stringify({ level: "error", msg: "alert", alertId: row.id, ...alert }));
  const url = services.env.ALERT_WEBHOOK_URL;
  const delivery = url ? postSlackMessage(url, slackMessage({ ...alert, id: row.id }), options.fetch) : Promise.resolve();
  return ok({ fired: true, id: row.id, dedupeKey, delivery });
}

/**
 * For call sites with no `waitUntil` at hand (queue consumers): fires, waits for the webhook POST,
 * and reports a failure to store the alert as a log line, never as an exception, because an
 * alert that cannot be raised must not fail the work that raised it.
 */
export async function raiseAlert(services: Pick<Services, "db" | "env">, input: AlertInput, options: FireOptions = {}): Promise<boolean> {
  const result = await fireAlert(services, input, options);
  if (!result.ok) {
    console.error(JSON.stringify({ level: "error", msg: "alert could not be raised", kind: input.kind, subject: input.subject, error: result.error.message }));
    return false;
  }
  if (result.value.fired) await result.value.delivery;
  return result.value.fired;
}
