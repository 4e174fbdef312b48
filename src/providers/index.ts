import type { Services } from "../services";
import { CaptureProvider } from "./capture";
import type { ProviderSettings } from "./config";
import type { EmailProvider } from "./provider";
import { SendGridProvider } from "./sendgrid";

/** One case per provider: a new member of ProviderSettings stops this compiling until it is wired. */
export function createProvider(settings: ProviderSettings, { env }: Pick<Services, "env">): EmailProvider {
  switch (settings.provider) {
    case "sendgrid":
      return new SendGridProvider({ apiKey: settings.apiKey, baseUrl: settings.baseUrl });
    case "capture":
      return new CaptureProvider(env.CAPTURE_OUTBOX);
    case "mailgun":
    case "ses":
    case "smtp":
      throw new Error(`provider ${settings.provider} is not wired yet`);
    default:
      return unreachable(settings);
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown provider settings ${JSON.stringify(value)}`);
}
