import * as Sentry from "@sentry/cloudflare";
import { redactBreadcrumb, redactEvent } from "./redact";

/** The Worker's entry points, as src/index.ts exports them. */
export type WorkerHandlers<E> = Required<Pick<ExportedHandler<E, unknown>, "fetch" | "queue" | "scheduled">>;

type Integration = Parameters<typeof Sentry.addIntegration>[0];
type Client = NonNullable<ReturnType<typeof Sentry.getClient>>;

/** SENTRY_DSN from the raw bindings: read before the environment is parsed, so a bad environment is reported too. */
export function sentryDsn(env: unknown): string | undefined {
  if (typeof env !== "object" || env === null || !("SENTRY_DSN" in env)) return undefined;
  const dsn = env.SENTRY_DSN;
  return typeof dsn === "string" && dsn !== "" ? dsn : undefined;
}

/**
 * Errors only, and nothing personal: no traces, sessions or logs (they would carry every request's
 * URL), none of what the SDK collects about requests by default, and every event and breadcrumb
 * redacted (redact.ts) before it leaves. No trace headers either: they would go to every provider.
 */
export function sentryOptions(dsn: string): Sentry.CloudflareOptions {
  return {
    dsn,
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: ["accept", "content-type", "content-length", "user-agent", "cf-ray"] }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
      graphQL: { document: false, variables: false },
    },
    tracePropagationTargets: [],
    beforeSend: (event, hint) => redactEvent(event, hint.originalException),
    // Transactions exist only if SENTRY_TRACES_SAMPLE_RATE turns tracing on; they are dropped all
    // the same. The static lifecycle is the one whose transactions pass beforeSendTransaction.
    traceLifecycle: "static",
    beforeSendTransaction: () => null,
    beforeBreadcrumb: (breadcrumb) => redactBreadcrumb(breadcrumb),
    integrations: (defaults) => [...defaults, unhandledRejections()],
  };
}

/**
 * The handlers, monitored by Sentry when the invocation's bindings name a DSN and untouched when
 * they do not: without SENTRY_DSN no client, no wrapper and no proxied bindings exist at all.
 */
export function withMonitoring<E>(handlers: WorkerHandlers<E>): WorkerHandlers<E> {
  // Isolate-scoped: withSentry patches the object it is handed, so it is built once, on first use.
  let monitored: WorkerHandlers<E> | undefined;
  const pick = (env: E): WorkerHandlers<E> => {
    if (!sentryDsn(env)) return handlers;
    monitored ??= Sentry.withSentry<E, unknown, unknown, WorkerHandlers<E>>(
      (current) => {
        const currentDsn = sentryDsn(current);
        return currentDsn ? sentryOptions(currentDsn) : undefined;
      },
      { ...handlers },
    );
    return monitored;
  };
  return {
    fetch: (request, env, ctx) => pick(env).fetch(request, env, ctx),
    queue: (batch, env, ctx) => pick(env).queue(batch, env, ctx),
    scheduled: (controller, env, ctx) => pick(env).scheduled(controller, env, ctx),
  };
}

/**
 * Reports an error the app caught and answered for (a 500): the SDK sees only what escapes a
 * handler. Does nothing outside a monitored invocation. `tags` must hold no personal data.
 */
export function reportError(error: unknown, tags: Record<string, string>): void {
  if (!Sentry.getClient()) return;
  Sentry.captureException(error, { tags, level: "error" });
}

// The client of this isolate's monitored invocations, for rejections reported outside one.
let isolateClient: Client | undefined;

/** A promise rejected with nobody listening: the SDK for Workers does not catch these itself. */
export function reportUnhandledRejection(reason: unknown): void {
  const hint = { mechanism: { type: "auto.function.cloudflare.unhandledrejection", handled: false } };
  if (Sentry.getClient()) Sentry.captureException(reason, hint);
  else isolateClient?.captureException(reason, hint);
}

function unhandledRejections(): Integration {
  return {
    name: "TidingsUnhandledRejections",
    setupOnce() {
      addEventListener("unhandledrejection", (event) => reportUnhandledRejection(event.reason));
    },
    setup(client) {
      isolateClient = client;
    },
  };
}
