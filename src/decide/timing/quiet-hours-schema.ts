import { z } from "zod";

const ClockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "must be a 24-hour time like 22:00");

/**
 * A daily window, in the recipient's time zone, during which non-critical mail waits. `start` after
 * `end` spans midnight (22:00–07:00); equal times are refused, since they would mean either never
 * or always.
 */
export const QuietHours = z.object({ start: ClockTime, end: ClockTime }).refine((q) => q.start !== q.end, { message: "start and end must differ", path: ["end"] });
export type QuietHours = z.infer<typeof QuietHours>;

/** A recipient's own: their window, `false` for none at all, or absent to follow the organisation's. */
export const RecipientQuietHours = z.union([QuietHours, z.literal(false)]);
export type RecipientQuietHours = z.infer<typeof RecipientQuietHours>;
