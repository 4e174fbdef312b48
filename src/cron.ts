import { runDigestSchedules } from "./digest/cron";
import type { Env } from "./env";
import { jobOf } from "./schedules";
import { sweepNotifications } from "./send/sweep";
import { createServices } from "./services";

/** Cron's entry: each trigger goes to the stage that owns its job. */
export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const services = createServices(env);
  const at = new Date(controller.scheduledTime);
  try {
    switch (jobOf(controller.cron)) {
      case "sweep":
        services.log.info("sweep", { ...(await sweepNotifications(services, at)) });
        break;
      case "digests":
        services.log.info("digests", { ...(await runDigestSchedules(services, at)) });
        break;
      case undefined:
        services.log.warn("unknown cron", { cron: controller.cron });
    }
  } finally {
    ctx.waitUntil(services.close());
  }
}
