import { z } from "zod";
import type { Database } from "../db/client";
import { alerts } from "../db/schema";
import type { Logger } from "../log";
import { type BaseError, err, ok, type Result } from "../result";
import type { Clock } from "../time/clock";
import { postSlackMessage, slackMessage } from "./slack";

export const AlertKind = z.enum(["notification_failed", "dead_letter", "circuit_open", "bounce_guard", "provider_configuration"]);
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

export type AlertError = BaseError<"INVALID_ALERT" | "ALERT_NOT_STORED">;

/** Where alerts go: the alerts table (which deduplicates), the log, and the optional webhook. */
export interface AlertSink {
  /** Fires unless the condition fired in this window; `delivery` is the webhook POST, for the caller's `waitUntil`. */
  fire(input: AlertInput): Promise<Result<FiredAlert, AlertError>>;
  /**
   * For call sites with no `waitUntil` at hand (queue consumers): fires, waits for the webhook
   * POST, and reports a failure as a log line, never as an exception, because an alert that
   * cannot be raised must not fail the work that raised it.
   */
  raise(input: AlertInput): Promise<boolean>;
}

export type AlertSinkOptions = { db: Database; clock: Clock; log: Logger; windowSeconds: number; webhookUrl?: string | undefined; fetch?: typeof fetch };

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
 * The alerts table's unique dedupe key decides whether an alert fires, so concurrent isolates
 * agree. A new alert is logged as a structured line at once; the POST to the webhook uses no
 * database connection, so it may outlive the request's pool.
 */
export function createAlertSink(options: AlertSinkOptions): AlertSink {
  const { db, clock, log, windowSeconds, webhookUrl } = options;
  const fire = async (input: AlertInput): Promise<Result<FiredAlert, AlertError>> => {
    const parsed = AlertInput.safeParse(input);
    if (!parsed.success) return err({ code: "INVALID_ALERT", message: parsed.error.message, retry: false });
    const alert = parsed.data;
    const now = clock.now();
    const dedupeKey = alertDedupeKey(alert, now, windowSeconds);
    let inserted: { id: string }[];
    try {
      inserted = await db
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
    log.error("alert", { alertId: row.id, ...alert });
    const delivery = webhookUrl ? postSlackMessage(webhookUrl, slackMessage({ ...alert, id: row.id }), log, options.fetch) : Promise.resolve();
    return ok({ fired: true, id: row.id, dedupeKey, delivery });
  };
  return {
    fire,
    async raise(input) {
      const result = await fire(input);
      if (!result.ok) {
        log.error("alert could not be raised", { kind: input.kind, subject: input.subject, error: result.error.message });
        return false;
      }
      if (result.value.fired) await result.value.delivery;
      return result.value.fired;
    },
  };
}
