import { z } from "zod";
import type { CaptureOutbox } from "./durable/capture-outbox";
import type { QueueMessage } from "./queue/messages";

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** Bindings, vars and secrets, validated once at each entry point. */
export const zEnv = z.object({
  DATABASE_URL: z.string().url(),
  /** Local only: host:port of the WebSocket-to-TCP bridge that carries the Neon driver to PostgreSQL. */
  DATABASE_WS_PROXY: z.string().optional(),
  EMAIL_PROVIDER: z.enum(["sendgrid", "capture"]).default("sendgrid"),
  SENDGRID_API_KEY: z.string().optional(),
  SENDGRID_BASE_URL: z.string().url().default("https://api.sendgrid.com"),
  /** Turns on `GET /dev/outbox`; never set it in production. */
  DEV_MODE: flag,
  PUBLIC_BASE_URL: z.string().url().default("http://127.0.0.1:8787"),
  /** Seconds a `pending` notification may wait before the sweeper re-enqueues it. */
  SWEEP_PENDING_AFTER_SECONDS: z.coerce.number().int().positive().default(60),
  /** Seconds a consumer's claim on a notification lasts; an expired claim means the consumer died. */
  SEND_LEASE_SECONDS: z.coerce.number().int().positive().default(120),
  /** First retry delay; each further retry doubles it. */
  RETRY_BASE_SECONDS: z.coerce.number().int().min(0).default(30),
  NOTIFICATION_QUEUE: z.custom<Queue<QueueMessage>>((v) => typeof v === "object" && v !== null && "send" in v),
  PRIORITY_QUEUE: z.custom<Queue<QueueMessage>>((v) => typeof v === "object" && v !== null && "send" in v),
  CAPTURE_OUTBOX: z.custom<DurableObjectNamespace<CaptureOutbox>>(
    (v) => typeof v === "object" && v !== null && "idFromName" in v,
  ),
});

export type Env = z.infer<typeof zEnv>;
export type RawEnv = z.input<typeof zEnv>;

export function parseEnv(raw: unknown): Env {
  const parsed = zEnv.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    console.error(JSON.stringify({ level: "error", msg: "BAD_ENVIRONMENT", detail }));
    throw new Error(`BAD_ENVIRONMENT: ${detail}`);
  }
  return parsed.data;
}
