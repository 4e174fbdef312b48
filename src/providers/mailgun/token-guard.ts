import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import type { TokenReplayGuard } from "./replay-guard";

const Remember = z.object({ now: z.number().int().nonnegative(), ttlSeconds: z.number().int().positive().max(86_400) });

/**
 * One object per webhook token: isolates share no memory, so only a single place that every
 * request for the token reaches can refuse its second use. The object answers one token, so its
 * storage is a single key, and an alarm deletes it when the token could no longer pass the
 * freshness check anyway.
 */
export class WebhookTokenGuard extends DurableObject<Record<string, unknown>> {
  /**
   * True when the token was already recorded and has not expired; otherwise records it. Storage
   * calls between awaits run under the object's input gate, so two concurrent uses cannot both
   * read "unseen".
   */
  async remember(input: z.input<typeof Remember>): Promise<boolean> {
    const { now, ttlSeconds } = Remember.parse(input);
    const expiresAt = await this.ctx.storage.get<number>("expiresAt");
    if (expiresAt !== undefined && expiresAt > now) return true;
    const until = now + ttlSeconds * 1000;
    await this.ctx.storage.put("expiresAt", until);
    await this.ctx.storage.setAlarm(until);
    return false;
  }

  /** The request carrying the token failed on our side: let the provider's retry through. */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** The `TokenReplayGuard` the Mailgun route uses, backed by one WebhookTokenGuard per token. */
export class DurableTokenReplayGuard implements TokenReplayGuard {
  constructor(
    private readonly namespace: DurableObjectNamespace<WebhookTokenGuard>,
    private readonly scope: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async seen(token: string, ttlSeconds: number): Promise<boolean> {
    return this.stub(token).remember({ now: this.clock(), ttlSeconds });
  }

  async release(token: string): Promise<void> {
    await this.stub(token).forget();
  }

  private stub(token: string) {
    return this.namespace.get(this.namespace.idFromName(`${this.scope}:${token}`));
  }
}
