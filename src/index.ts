import { newApp } from "./app";
import { handleScheduled } from "./cron";
import { type Env, parseEnv, type RawEnv } from "./env";
import { reportError, withMonitoring } from "./platform/monitoring/sentry";
import { handleQueueBatch } from "./send/consumer";

export { CaptureOutbox } from "./providers/capture/outbox";
export { DigestWindow } from "./digest/digest-window";
export { ProviderCircuit } from "./send/provider-circuit";
export { WebhookTokenGuard } from "./providers/mailgun/token-guard";

const app = newApp();

export default withMonitoring({
  fetch(request, env, ctx) {
    let parsed: Env;
    try {
      parsed = parseEnv(env);
    } catch (e) {
      reportError(e, { stage: "environment" });
      return Response.json({ error: { code: "INTERNAL_SERVER_ERROR", message: "BAD_ENVIRONMENT", requestId: "" } }, { status: 500 });
    }
    return app.fetch(request, parsed, ctx);
  },
  queue(batch, env, ctx) {
    return handleQueueBatch(batch, parseEnv(env), ctx);
  },
  scheduled(controller, env, ctx) {
    return handleScheduled(controller, parseEnv(env), ctx);
  },
} satisfies ExportedHandler<RawEnv, unknown>);
