/**
 * What a lookup of an id the store does not hold for its caller may cost. Such an id (unknown,
 * or another owner's: the two are answered alike) costs a provider read, so a caller could
 * otherwise turn random ids into provider traffic: 20 requests of 15 aliases made 300 reads.
 *
 * - A budget per owner: at most `perMinute` such reads in any sliding minute (RateLimiter port;
 *   shared by every instance in cluster mode). Over budget, the id is answered as unknown
 *   without asking the provider.
 * - Negative answers are remembered per owner for a short while: asking again for the same id
 *   is answered from memory, without a read and without using the budget.
 *
 * An owner's own generations never come here: they are answered from the store.
 */
import type { RateLimiter } from '../domain/ports.js';

export interface LookupBudgetOptions {
  /** Per owner: provider reads for ids not in the store for this owner, per sliding minute. */
  limiter: RateLimiter;
  /** How long "no such generation for this owner" is remembered. @default 30_000 // 30 s */
  negativeTtlMs?: number;
  /** Negative answers remembered at once, all owners; the oldest go first. @default 10_000 */
  maxRemembered?: number;
  now?: () => number;
}

export class LookupBudget {
  private readonly missing = new Map<string, number>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly max: number;

  constructor(private readonly opts: LookupBudgetOptions) {
    this.now = opts.now ?? Date.now;
    this.ttlMs = opts.negativeTtlMs ?? 30_000;
    this.max = opts.maxRemembered ?? 10_000;
  }

  /**
   * Whether a provider read may be spent on this id for this owner now; false means "answer as
   * unknown". A true answer has taken one unit of the owner's budget.
   */
  async admit(owner: string, id: string): Promise<boolean> {
    const key = JSON.stringify([owner, id]);
    const until = this.missing.get(key);
    if (until !== undefined) {
      if (until > this.now()) return false;
      this.missing.delete(key);
    }
    return (await this.opts.limiter.take(owner, this.now())) === 0;
  }

  /** Remembers that this id names nothing this owner may see. */
  rememberMissing(owner: string, id: string): void {
    const key = JSON.stringify([owner, id]);
    this.missing.delete(key);
    this.missing.set(key, this.now() + this.ttlMs);
    while (this.missing.size > this.max) this.missing.delete(this.missing.keys().next().value as string);
  }
}
