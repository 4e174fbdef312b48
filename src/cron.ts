import type { Env } from "./env";
import { createServices } from "./services";
import { runDigestSchedules } from "./digest/cron";
import { sweepNotifications } from "./send/sweep";

export const SWEEP_CRON = "* * * * *";
export const DIGEST_CRON = "*/5 * * * *";

export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const services = createServices(env);
  try {
    switch (controller.cron) {
      case SWEEP_CRON: {
        const report = await sweepNotifications(services, new Date(controller.scheduledTime));
        services.log.info("sweep", { ...report });
        break;
      }
      case DIGEST_CRON: {
        const report = await runDigestSchedules(services, new Date(controller.scheduledTime));
        services.log.info("digests", { ...report });
        break;
      }
      default:
        services.log.warn("unknown cron", { cron: controller.cron });
    }
  } finally {
    ctx.waitUntil(services.close());
  }
}
