import { z } from "zod";
import { DigestSchedule } from "../decide/preferences/model";

/** Whose window: one DigestWindow object per organisation + recipient (internal id) + category. */
export const WindowKey = z.object({ organizationId: z.string().uuid(), recipientId: z.string().uuid(), category: z.string().min(1) });
export type WindowKey = z.infer<typeof WindowKey>;

export const digestWindowName = (k: WindowKey) => `${k.organizationId}:${k.recipientId}:${k.category}`;

export const AddItemsInput = z.object({
  key: WindowKey,
  schedule: DigestSchedule,
  /** The recipient's zone, else the organisation's: where daily and weekly hours are read. */
  timeZone: z.string().default("UTC"),
  notificationIds: z.array(z.string().uuid()).min(1).max(1000),
  /** Epoch milliseconds; callers pass it so time-dependent behaviour is testable. */
  now: z.number().int().optional(),
});
export type AddItemsInput = z.input<typeof AddItemsInput>;

/** Where each item went: into a digest (`digestId`), or to be sent now (`null`, burst mode's first item). */
export type Placement = { notificationId: string; digestId: string | null };

export const FlushInput = z.object({
  now: z.number().int().optional(),
  /** Cron's call: close only a window whose due time has passed. */
  onlyIfDue: z.boolean().default(false),
});
export type FlushInput = z.input<typeof FlushInput>;

/** Items to take out of a window (their recipient was erased): they leave the open window and any closed one not yet written. */
export const RemoveItemsInput = z.object({ notificationIds: z.array(z.string().uuid()).min(1).max(1000) });
export type RemoveItemsInput = z.input<typeof RemoveItemsInput>;

/** A closed window as it is written to the digests table and announced on the queue. */
export const ClosedDigest = z.object({
  digestId: z.string().uuid(),
  key: WindowKey,
  kind: z.enum(["window", "daily", "weekly"]),
  openedAt: z.number().int(),
  dueAt: z.number().int(),
  closedAt: z.number().int(),
  notificationIds: z.array(z.string().uuid()),
});
export type ClosedDigest = z.infer<typeof ClosedDigest>;

export type WindowState = {
  window: { digestId: string; kind: ClosedDigest["kind"]; openedAt: number; dueAt: number; maxItems: number; burst: boolean; registered: boolean } | null;
  items: string[];
  outbox: string[];
};
