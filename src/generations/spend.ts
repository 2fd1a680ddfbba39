/**
 * Spend per owner over a rolling 24 hours, in the provider's credits, and the SPEND_LIMIT_PER_DAY
 * check made before anything is sent to the provider.
 *
 * An owner's spend is what its generations created in the last 24 h cost (src/domain/cost.ts):
 * the provider's figure once reported, the expected cost until then. Creates still on their way
 * to the provider are held here as reservations at their expected cost, so requests racing in
 * one process cannot together pass the limit. Across the instances of a cluster the check reads
 * the shared store, so racing creates on different instances can overshoot by at most what
 * those few creates cost.
 */
import type { UserErrorData } from '../domain/errors.js';
import { toSpendRecord, type CostEstimator, type Shape } from '../domain/cost.js';
import type { Generation } from '../domain/generation.js';
import type { GenerationStore } from '../domain/ports.js';

export const SPEND_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface SpendLedgerOptions {
  store: GenerationStore;
  costs: CostEstimator;
  /** Credits per owner per rolling 24 h; null for no limit. */
  limitPerDay: number | null;
  /**
   * Told of credits as the provider reports them (a metric): on a create's answer, and by how
   * much a status transition changed the figure. @default undefined
   */
  onCredits?: (owner: string, credits: number) => void;
}

export interface SpendReservation {
  /** Gives the reservation back (the create failed, or its generation is saved and counted). */
  release(): void;
}

export class SpendLedger {
  private readonly reserved = new Map<string, number>();

  constructor(private readonly opts: SpendLedgerOptions) {}

  /**
   * Learns from a generation's reported credits: after its create (no `previous`) and on each
   * status transition.
   */
  observe(gen: Generation, previous?: Generation): void {
    this.opts.costs.observe(toSpendRecord(gen));
    const delta = (gen.usage?.creditsUsed ?? 0) - (previous?.usage?.creditsUsed ?? 0);
    if (gen.inputKnown && Number.isFinite(delta) && delta > 0) this.opts.onCredits?.(gen.owner, delta);
  }

  get limitPerDay(): number | null {
    return this.opts.limitPerDay;
  }

  /** What an owner spent in the 24 h before `now` (creates in flight included). */
  async spentLast24h(owner: string, now: number): Promise<number> {
    const { spent } = await this.window(owner, now);
    return spent + (this.reserved.get(owner) ?? 0);
  }

  /**
   * Reserves what a new generation of this shape is expected to cost, or answers
   * BUDGET_EXCEEDED when that would take the owner past the limit.
   */
  async reserve(owner: string, shape: Shape, now: number): Promise<UserErrorData | SpendReservation> {
    const expected = this.opts.costs.expected(shape);
    const limit = this.opts.limitPerDay;
    if (limit === null) return this.hold(owner, expected);
    const { spent, records } = await this.window(owner, now);
    const total = spent + (this.reserved.get(owner) ?? 0);
    if (total < limit && total + expected <= limit) return this.hold(owner, expected);
    return {
      code: 'BUDGET_EXCEEDED',
      message:
        expected > limit
          ? `A generation like this is expected to cost ${fmt(expected)} credits, more than the limit of ${fmt(limit)} per 24 hours`
          : `The spend limit of ${fmt(limit)} credits per 24 hours is reached (${fmt(total)} spent, this generation is expected to cost ${fmt(expected)})`,
      field: null,
      retryAfterMs: expected > limit ? null : this.retryAfterMs(records, total, expected, limit, now),
    };
  }

  private hold(owner: string, credits: number): SpendReservation {
    this.reserved.set(owner, (this.reserved.get(owner) ?? 0) + credits);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        const left = (this.reserved.get(owner) ?? 0) - credits;
        if (left > 1e-9) this.reserved.set(owner, left);
        else this.reserved.delete(owner);
      },
    };
  }

  private async window(owner: string, now: number): Promise<{ spent: number; records: { createdAt: number; cost: number }[] }> {
    const since = now - SPEND_WINDOW_MS;
    const records = (await this.opts.store.spendSince(owner, since)).map((r) => {
      this.opts.costs.observe(r);
      return { createdAt: r.createdAt, cost: this.opts.costs.costOf(r) };
    });
    return { spent: records.reduce((sum, r) => sum + r.cost, 0), records };
  }

  /** How long until enough of the window's spend has aged out for this generation to fit. */
  private retryAfterMs(records: { createdAt: number; cost: number }[], total: number, expected: number, limit: number, now: number): number | null {
    let left = total;
    for (const r of [...records].sort((a, b) => a.createdAt - b.createdAt)) {
      left -= r.cost;
      if (left < limit && left + expected <= limit) return Math.max(1000, r.createdAt + SPEND_WINDOW_MS - now);
    }
    // Only creates still in flight hold the budget: they are counted within seconds.
    return 5000;
  }
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));
