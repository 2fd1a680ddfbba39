/**
 * The poll scheduler: one timer per generation that still needs the provider's word on this
 * instance, so the poller is the only thing that asks the provider about a generation on its
 * own. It decides when to read (the adaptive schedule, backoff after faults, Retry-After), who
 * reads in a cluster (leases), when to give up on a provider that never answers, and when to
 * look again for a late result of a generation that timed out. Every change goes through the
 * tracker, which alone decides TIMED_OUT, and only on the provider's word.
 */
import type { Logger } from 'pino';
import { ProviderFailure } from '../domain/errors.js';
import { isTerminal, type Generation } from '../domain/generation.js';
import type { Clock, GenerationStore, PollLease } from '../domain/ports.js';
import { expire, lost } from '../domain/state.js';
import { computeBackoff } from '../lib/backoff.js';
import { withSpan, type SpanNotes } from '../lib/tracing.js';
import { nextPollDelay } from './schedule.js';
import type { GenerationTracker } from './tracker.js';

export interface PollSchedulerOptions {
  store: GenerationStore;
  tracker: GenerationTracker;
  logger: Logger;
  /** Base interval of the poller. @default 5000 */
  pollIntervalMs: number;
  /**
   * A generation still in progress after this is TIMED_OUT once a read confirms it (the poller
   * wakes at the deadline to ask). @default 900000 // 15 min
   */
  generationTimeoutMs: number;
  /**
   * Hard ceiling from creation: a provider that cannot be asked for this long ends the attempts
   * with TIMED_OUT (code PROVIDER_UNREACHABLE); late recovery still follows.
   * @default 86400000 // 24 h
   */
  giveUpMs?: number;
  /** How long after timing out a generation is still checked for a late result. @default 86400000 // 24 h */
  lateResultWindowMs?: number;
  /**
   * When late checks happen, in ms after the generation timed out; after the last one, the last
   * gap repeats. @default [60000, 300000, 900000, 3600000] // 1, 5, 15, 60 min, then hourly
   */
  lateSchedule?: readonly number[];
  /** Poll sparsely early and densely around the expected completion. @default true */
  adaptivePolling?: boolean;
  /** Longest wait between two polls after repeated faults. @default 60000 */
  maxBackoffMs?: number;
  /** Consecutive provider 404s before a known generation is declared lost. @default 3 */
  notFoundLimit?: number;
  /**
   * Cluster mode: decides whether this instance may poll a generation. Asked before every poll;
   * when it answers false the poller waits and asks again.
   */
  lease?: PollLease;
  now?: Clock;
  random?: () => number;
  /** Called after every provider read the poller made. */
  onPoll?: (info: { id: string; ok: boolean; scheduledDelayMs: number; actualDelayMs: number }) => void;
}

interface Poller {
  id: string;
  timer: NodeJS.Timeout | null;
  failures: number;
  notFound: number;
  /** What the provider asked for in its last failure (Retry-After), if anything. */
  retryAfterMs: number | null;
  scheduledAt: number;
  scheduledDelayMs: number;
  stopped: boolean;
  /** Following a TIMED_OUT generation on the sparse late-result schedule. */
  late: boolean;
}

export class PollScheduler {
  private readonly pollers = new Map<string, Poller>();
  private readonly now: Clock;
  private readonly random: () => number;
  private stopping = false;
  private unauthorizedLogged = false;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: PollSchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** Unfinished generations polled by this instance now (late-result checks not included). */
  get active(): number {
    return this.pollers.size - this.lateCount;
  }

  /** Timed-out generations this instance still checks for a late result. */
  get lateChecks(): number {
    return this.lateCount;
  }

  private lateCount = 0;

  private setLate(p: Poller, late: boolean): void {
    if (p.late === late) return;
    p.late = late;
    this.lateCount += late ? 1 : -1;
  }

  /**
   * Starts polling a generation unless it is already polled here or needs no more reads:
   * terminal, except TIMED_OUT within the late-result window.
   */
  track(gen: Generation): void {
    if (this.stopping || this.pollers.has(gen.id)) return;
    const late = this.nextLateCheck(gen);
    if (isTerminal(gen.status) && late === null) return;
    const poller: Poller = {
      id: gen.id,
      timer: null,
      failures: 0,
      notFound: 0,
      retryAfterMs: null,
      scheduledAt: 0,
      scheduledDelayMs: 0,
      stopped: false,
      late: false,
    };
    this.pollers.set(gen.id, poller);
    this.setLate(poller, late !== null);
    // On start-up too: a generation past its deadline is read (delay 0) before it is judged.
    this.schedule(poller, late ?? this.delayFor(gen));
  }

  /**
   * Resumes polling every unfinished generation in the store, and late checks of those that
   * timed out within the window (after a restart).
   */
  async resume(): Promise<number> {
    const active = await this.opts.store.listActive();
    const late = await this.opts.store.listTimedOutSince(this.now() - this.lateWindowMs);
    for (const gen of [...active, ...late]) this.track(gen);
    return active.length + late.length;
  }

  private get lateWindowMs(): number {
    return this.opts.lateResultWindowMs ?? 86_400_000;
  }

  /** Delay until the next late check of a TIMED_OUT generation, or null when there is none. */
  private nextLateCheck(gen: Generation): number | null {
    if (gen.status !== 'TIMED_OUT' || gen.completedAt === null) return null;
    const now = this.now();
    const end = gen.completedAt + this.lateWindowMs;
    if (now >= end) return null;
    const steps = this.opts.lateSchedule ?? [60_000, 300_000, 900_000, 3_600_000];
    const since = now - gen.completedAt;
    let at = steps.find((s) => s > since);
    if (at === undefined) {
      const last = steps[steps.length - 1] ?? 3_600_000;
      const gap = Math.max(1, last - (steps[steps.length - 2] ?? 0));
      at = last + Math.ceil((since - last + 1) / gap) * gap;
    }
    return Math.max(0, Math.min(at, this.lateWindowMs) - since);
  }

  /**
   * Cluster mode: periodically picks up every unfinished generation in the shared store, so a
   * generation whose instance died is polled again (the lease decides who polls).
   */
  startSweep(intervalMs: number): void {
    if (this.sweepTimer) return;
    const sweep = (): void => {
      void this.resume()
        .catch((err: unknown) => this.opts.logger.warn({ err }, 'sweep of unfinished generations failed'))
        .finally(() => {
          if (this.stopping) return;
          this.sweepTimer = setTimeout(sweep, intervalMs);
          this.sweepTimer.unref();
        });
    };
    this.sweepTimer = setTimeout(sweep, intervalMs);
    this.sweepTimer.unref();
  }

  /** Stops every poller; reads in flight finish and save their state (see the tracker). Idempotent. */
  stop(): void {
    this.stopping = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    for (const p of this.pollers.values()) this.cancel(p);
    this.pollers.clear();
    this.lateCount = 0;
  }

  private cancel(p: Poller): void {
    p.stopped = true;
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
  }

  private untrack(id: string): void {
    const p = this.pollers.get(id);
    if (!p) return;
    this.cancel(p);
    this.setLate(p, false);
    this.pollers.delete(id);
    void this.opts.lease?.release(id).catch(() => undefined);
  }

  private deadlineOf(gen: Generation): number {
    return gen.createdAt + this.opts.generationTimeoutMs;
  }

  private delayFor(gen: Generation): number {
    const now = this.now();
    const d = nextPollDelay(gen, now, { baseMs: this.opts.pollIntervalMs, adaptive: this.opts.adaptivePolling ?? true });
    // Wake up at the deadline at the latest, so TIMED_OUT is not late.
    return Math.max(0, Math.min(d, this.deadlineOf(gen) - now));
  }

  private schedule(p: Poller, delayMs: number): void {
    if (p.stopped || this.stopping) return;
    p.scheduledAt = this.now();
    p.scheduledDelayMs = delayMs;
    // Each tick is a trace of its own, linked to the one that created the generation (tick()).
    p.timer = setTimeout(() => void withSpan('poll.tick', { 'cinegraph.generation.id': p.id }, (span) => this.tick(p, span), { root: true }), delayMs);
    // Pollers must not keep a process alive that is otherwise done.
    p.timer.unref();
  }

  private async tick(p: Poller, span: SpanNotes): Promise<void> {
    p.timer = null;
    if (p.stopped) return;
    const actualDelayMs = this.now() - p.scheduledAt;
    if (this.opts.lease && !(await this.opts.lease.acquire(p.id).catch(() => false))) {
      // Another instance polls it; stop asking once it has ended.
      const seen = await this.opts.store.get(p.id).catch(() => undefined);
      if (seen === null || (seen && isTerminal(seen.status))) this.untrack(p.id);
      else this.schedule(p, this.opts.lease.retryMs);
      return;
    }
    let gen: Generation | null = null;
    try {
      gen = await this.opts.store.get(p.id);
      span.linkTo(gen?.traceparent);
      if (gen === null) {
        // Gone from the store (retention, a store that restarted empty): tell the streams.
        this.opts.tracker.forget(p.id);
      } else if (!isTerminal(gen.status) || gen.status === 'TIMED_OUT') {
        gen = await this.opts.tracker.refresh(p.id, gen);
      }
      p.failures = 0;
      p.notFound = 0;
      p.retryAfterMs = null;
      this.opts.onPoll?.({ id: p.id, ok: true, scheduledDelayMs: p.scheduledDelayMs, actualDelayMs });
    } catch (err) {
      this.opts.onPoll?.({ id: p.id, ok: false, scheduledDelayMs: p.scheduledDelayMs, actualDelayMs });
      gen = await this.afterFailure(p, err);
    }
    span.setAttributes({ 'cinegraph.generation.status': gen?.status ?? 'REMOVED', 'cinegraph.poll.failures': p.failures });
    if (p.stopped) return;
    const late = gen ? this.nextLateCheck(gen) : null;
    if (!gen || (isTerminal(gen.status) && late === null)) {
      this.untrack(p.id);
      return;
    }
    this.setLate(p, late !== null);
    if (late !== null) {
      // Timed out: the sparse late-result schedule, whatever the last read did.
      this.schedule(p, late);
    } else if (p.failures > 0) {
      // The provider could not be asked: keep trying with a bounded backoff, honouring
      // Retry-After. The deadline does not end anything while nobody could ask.
      // Equal jitter (half the ceiling, plus up to the other half at random): unlike full
      // jitter, an unlucky draw can never turn an outage into a burst of reads, so a minute of
      // outage costs a handful of reads at most, then at most two a minute.
      const ceiling = computeBackoff(p.failures, {
        baseMs: this.opts.pollIntervalMs,
        maxMs: this.opts.maxBackoffMs ?? 60_000,
        random: () => 1,
      });
      const backoff = Math.round(ceiling / 2 + (ceiling / 2) * this.random());
      const untilGiveUp = gen.createdAt + this.giveUpMs - this.now();
      this.schedule(p, Math.max(0, Math.min(Math.max(backoff, p.retryAfterMs ?? 0), untilGiveUp)));
    } else {
      this.schedule(p, this.delayFor(gen));
    }
  }

  private get giveUpMs(): number {
    return Math.max(this.opts.giveUpMs ?? 86_400_000, this.opts.generationTimeoutMs);
  }

  private async afterFailure(p: Poller, err: unknown): Promise<Generation | null> {
    p.failures++;
    p.retryAfterMs = err instanceof ProviderFailure ? err.retryAfterMs : null;
    const gen = await this.opts.store.get(p.id).catch(() => null);
    if (err instanceof ProviderFailure) {
      if (err.reason === 'unauthorized' && !this.unauthorizedLogged) {
        this.unauthorizedLogged = true;
        this.opts.logger.error(
          { status: err.status, requestId: err.requestId },
          'The provider rejected the API key (401): check AIMLAPI_KEY. Generations stay pending until it is fixed.',
        );
      }
      if (err.notFound) {
        p.notFound++;
        if (gen && p.notFound >= (this.opts.notFoundLimit ?? 3)) {
          return this.opts.tracker.change(p.id, (g) => lost(g, this.now())).catch(() => gen);
        }
      } else {
        p.notFound = 0;
      }
      this.opts.logger.warn({ generationId: p.id, err: err.message, failures: p.failures }, 'poll failed; backing off');
    } else {
      this.opts.logger.error({ generationId: p.id, err }, 'poll failed unexpectedly; backing off');
    }
    // Time without an answer never times a generation out by itself; only the give-up ceiling
    // ends the attempts, and late recovery still follows.
    if (gen && !isTerminal(gen.status) && this.now() >= gen.createdAt + this.giveUpMs) {
      return this.opts.tracker.change(p.id, (g) => expire(g, this.now(), this.giveUpMs, 'unreachable')).catch(() => gen);
    }
    return gen;
  }
}
