/**
 * Which jobs each of wrangler.toml's cron triggers runs, in order. wrangler.toml is where the
 * schedules are set; this only names their jobs, and test/node/schedules.node.test.ts fails when
 * the two differ.
 */
export const SCHEDULED_JOBS = {
  /** Re-enqueue notifications stuck in `pending` and take over expired send leases. */
  "* * * * *": ["sweep"],
  /**
   * Daily and weekly digests whose local hour has come (every real UTC offset is a multiple of 15
   * minutes, so :00/:15/:30/:45 local all fall on a tick), and windows whose alarm was missed.
   * Then retention: event data and provider event details older than each organisation's period
   * are emptied, a capped number of rows per run; small runs every five minutes spread the work
   * better than one large daily one, and a Worker has few cron triggers to spare. Then the re-seal
   * pass: personal data sealed under an older key, or still in plain text, brought to the current
   * key in capped chunks (one query a run once it is done).
   */
  "*/5 * * * *": ["digests", "retention", "reseal"],
} as const;

export type ScheduledJob = (typeof SCHEDULED_JOBS)[keyof typeof SCHEDULED_JOBS][number];

export const jobsOf = (cron: string): readonly ScheduledJob[] | undefined =>
  Object.hasOwn(SCHEDULED_JOBS, cron) ? SCHEDULED_JOBS[cron as keyof typeof SCHEDULED_JOBS] : undefined;
