import type { Env } from "../env";
import { CaptureProvider } from "./capture";
import type { EmailProvider, ProviderId } from "./provider";
import { SendGridProvider } from "./sendgrid";

/** Every provider id must be wired here, or this stops compiling. */
const providerFactories: Record<ProviderId, (env: Env) => EmailProvider> = {
  sendgrid: (env) => new SendGridProvider({ apiKey: env.SENDGRID_API_KEY ?? "", baseUrl: env.SENDGRID_BASE_URL }),
  capture: (env) => new CaptureProvider(env.CAPTURE_OUTBOX),
};

export function createProvider(env: Env): EmailProvider {
  return providerFactories[env.EMAIL_PROVIDER](env);
}
