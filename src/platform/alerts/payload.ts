import { z } from "zod";

/** What `alerts.payload` holds, as createAlertSink writes it (fire.ts). */
export const StoredAlertPayload = z.object({
  subject: z.string(),
  message: z.string(),
  condition: z.string().nullable().default(null),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type StoredAlertPayload = z.infer<typeof StoredAlertPayload>;

/** A row written by an older version, or by hand, still reads as an alert: its kind stands in for the subject. */
export function readAlertPayload(kind: string, payload: unknown): StoredAlertPayload {
  const parsed = StoredAlertPayload.safeParse(payload);
  return parsed.success ? parsed.data : { subject: kind, message: "", condition: null, details: {} };
}
