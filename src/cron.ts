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
        console.log(JSON.stringify({ level: "info", msg: "sweep", ...report }));
        break;
      }
      case DIGEST_CRON: {
        const report = await runDigestSchedules(services, new Date(controller.scheduledTime));
        console.log(JSON.stringify({ level: "info", msg: "digests", ...report }));
        break;
      }
      default:
        console.warn(JSON.stringify({ level: "warn", msg: "unknown cron", cron: controller.cron }));
    }
  } finally {
    ctx.waitUntil(services.close());
  }
}
