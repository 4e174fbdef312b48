import { runDigestSchedules } from "./digest/cron";
import type { Env } from "./env";
import { resealPersonalData } from "./followup/reseal";
import { purgeExpiredContent } from "./followup/retention";
import { messageOf } from "./platform/log";
import { jobsOf, type ScheduledJob } from "./schedules";
import { sweepNotifications } from "./send/sweep";
import { createServices, type Services } from "./services";

/** Cron's entry: each trigger goes to the stage that owns its job. */
export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const services = createServices(env);
  const at = new Date(controller.scheduledTime);
  try {
    const jobs = jobsOf(controller.cron);
    if (!jobs) {
      services.log.warn("unknown cron", { cron: controller.cron });
      return;
    }
    // Jobs sharing a trigger are independent: one that throws must not cost the others their run.
    let failure: unknown;
    for (const job of jobs) {
      try {
        await runJob(services, job, at);
      } catch (e) {
        failure ??= e;
        services.log.error("cron job failed", { job, error: messageOf(e) });
      }
    }
    if (failure !== undefined) throw failure;
  } finally {
    ctx.waitUntil(services.close());
  }
}

async function runJob(services: Services, job: ScheduledJob, at: Date): Promise<void> {
  switch (job) {
    case "sweep":
      services.log.info("sweep", { ...(await sweepNotifications(services, at)) });
      return;
    case "digests":
      services.log.info("digests", { ...(await runDigestSchedules(services, at)) });
      return;
    case "retention":
      services.log.info("retention", { ...(await purgeExpiredContent(services, at)) });
      return;
    case "reseal": {
      const report = await resealPersonalData(services);
      services.log.info("reseal", { ...report.recipients, events: report.events, unfinished: report.unfinished });
      return;
    }
  }
}
