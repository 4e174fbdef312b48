/**
 * Which job each of wrangler.toml's cron triggers runs. wrangler.toml is where the schedules are
 * set; this only names their jobs, and test/node/schedules.node.test.ts fails when the two differ.
 */
export const SCHEDULED_JOBS = {
  /** Re-enqueue notifications stuck in `pending` and take over expired send leases. */
  "* * * * *": "sweep",
  /**
   * Daily and weekly digests whose local hour has come (every real UTC offset is a multiple of 15
   * minutes, so :00/:15/:30/:45 local all fall on a tick), and windows whose alarm was missed.
   */
  "*/5 * * * *": "digests",
} as const;

export type ScheduledJob = (typeof SCHEDULED_JOBS)[keyof typeof SCHEDULED_JOBS];

export const jobOf = (cron: string): ScheduledJob | undefined => (Object.hasOwn(SCHEDULED_JOBS, cron) ? SCHEDULED_JOBS[cron as keyof typeof SCHEDULED_JOBS] : undefined);
