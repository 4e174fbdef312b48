/**
 * Remembers webhook tokens so a captured, validly signed request cannot be replayed inside its
 * freshness window. `seen` must record and test in one atomic step (Redis `SET NX EX`, an
 * `INSERT … ON CONFLICT DO NOTHING`): two concurrent deliveries of one token must not both pass.
 */
export interface TokenReplayGuard {
  /** True when `token` was already recorded and has not expired; otherwise records it for `ttlSeconds`. */
  seen(token: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * For tests and local development only: isolates do not share memory, so in production a replay
 * that lands on another isolate would pass. Back the interface with a shared store there.
 */
export class InMemoryTokenReplayGuard implements TokenReplayGuard {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: () => number = () => Date.now()) {}

  async seen(token: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock();
    for (const [known, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(known);
    if (this.expiries.has(token)) return true;
    this.expiries.set(token, now + ttlSeconds * 1000);
    return false;
  }
}
