import type { CaptureOutbox } from "./outbox";
import { ok, type Result } from "../../platform/result";
import type { Accepted, EmailProvider, OutgoingEmail, SendError } from "../provider";

/** The development provider: keeps every message in the CaptureOutbox object for `GET /dev/outbox`. */
export class CaptureProvider implements EmailProvider {
  readonly id = "capture" as const;

  constructor(private readonly outbox: DurableObjectNamespace<CaptureOutbox>) {}

  async send(email: OutgoingEmail): Promise<Result<Accepted, SendError>> {
    const messageId = await this.outbox.get(this.outbox.idFromName("outbox")).capture(email);
    return ok({ messageId });
  }
}
