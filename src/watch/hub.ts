/**
 * The watch hub: one poller per non-terminal generation, shared by every subscriber on every
 * transport. The poller is the only thing that polls; it publishes each status transition once
 * on a typed pub/sub topic, and subscriptions only listen.
 */
import { setMaxListeners } from 'node:events';
import { createPubSub, type PubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import { Repeater } from '@repeaterjs/repeater';
import type { Logger } from 'pino';
import { computeBackoff } from '../lib/backoff.js';
import { UpstreamError } from '../provider/errors.js';
import type { UpstreamClient } from '../provider/wire.js';
import { applyReading, expire, lost, type Applied } from '../domain/state.js';
import type { GenerationStore } from '../domain/ports.js';
import { isTerminal, type Generation } from '../domain/generation.js';
import { nextPollDelay } from './schedule.js';

export type Topics = {
  /** Every status transition of one generation, keyed by its id. */
  'generation:transition': [id: string, generation: Generation];
};

export type HubEventTarget = PubSubEventTarget<Topics>;

export interface WatchHubOptions {
  store: GenerationStore;
  upstream: UpstreamClient;
  logger: Logger;
  /** Base interval of the poller. @default 5000 */
  pollIntervalMs: number;
  /** A generation with no terminal answer after this becomes TIMED_OUT. @default 900000 */
  generationTimeoutMs: number;
  /** Poll sparsely early and densely around the expected completion. @default true */
  adaptivePolling?: boolean;
  /** Longest wait between two polls after repeated faults. @default 60000 */
  maxBackoffMs?: number;
  /** Consecutive provider 404s before a known generation is declared lost. @default 3 */
  notFoundLimit?: number;
  /** A distributed event target (Redis) in cluster mode; in-memory otherwise. */
  eventTarget?: HubEventTarget;
  /**
   * Cluster mode: decides whether this instance may poll a generation (a lease). Called before
   * every poll; when it answers false the poller waits and asks again.
   */
  lease?: PollLease;
  now?: () => number;
  random?: () => number;
  /** Called after every saved transition (metrics, archive, history learning). */
  onTransition?: (gen: Generation, previous: Generation) => void;
  /** Called after every provider read the poller made. */
  onPoll?: (info: { id: string; ok: boolean; scheduledDelayMs: number; actualDelayMs: number }) => void;
}

export interface PollLease {
  acquire(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  /** How long to wait before asking again for a lease another instance holds. */
  readonly retryMs: number;
}

export interface SubscriberInfo {
  /** 'ws' or 'sse' (or 'http' for other streaming transports). */
  transport: string;
  client: string;
}

interface Subscriber extends SubscriberInfo {
  /** Re-reads the current state and sends it if it is newer than what was sent. */
  resync(): Promise<void>;
}

interface Poller {
  id: string;
  timer: NodeJS.Timeout | null;
  failures: number;
  notFound: number;
  scheduledAt: number;
  scheduledDelayMs: number;
  stopped: boolean;
}

export class WatchHub {
  readonly pubsub: PubSub<Topics>;
  /** The pub/sub's event target, listened to directly by subscription streams. */
  private readonly target: EventTarget;
  private readonly pollers = new Map<string, Poller>();
  private readonly inflight = new Map<string, Promise<Generation | null>>();
  private readonly now: () => number;
  private readonly random: () => number;
  private stopping = false;
  private unauthorizedLogged = false;
  /** Open subscription streams: how to end each, and who holds it on which transport. */
  private readonly subscribers = new Map<() => void, Subscriber>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: WatchHubOptions) {
    const target: HubEventTarget = opts.eventTarget ?? new EventTarget();
    this.target = target as unknown as EventTarget;
    // Every subscriber is a listener on one target: thousands are expected, not a leak.
    if (!opts.eventTarget) setMaxListeners(0, target as EventTarget);
    this.pubsub = createPubSub<Topics>({ eventTarget: target });
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  get activePollers(): number {
    return this.pollers.size;
  }

  get activeSubscriptions(): number {
    return this.subscribers.size;
  }

  subscriptionsByTransport(): Record<string, number> {
    const out: Record<string, number> = { ws: 0, sse: 0 };
    for (const s of this.subscribers.values()) out[s.transport] = (out[s.transport] ?? 0) + 1;
    return out;
  }

  /** Open subscriptions of one client on this instance. */
  subscriptionsOf(client: string): number {
    return this.perClient.get(client) ?? 0;
  }

  /**
   * Open subscriptions per client, kept in step with `subscribers`, so the per-client cap is an
   * O(1) check: counting by scanning every subscriber made opening n subscriptions O(n²).
   */
  private readonly perClient = new Map<string, number>();

  private addSubscriber(end: () => void, sub: Subscriber): void {
    this.subscribers.set(end, sub);
    this.perClient.set(sub.client, (this.perClient.get(sub.client) ?? 0) + 1);
  }

  private removeSubscriber(end: () => void): void {
    const sub = this.subscribers.get(end);
    if (!sub) return;
    this.subscribers.delete(end);
    const n = (this.perClient.get(sub.client) ?? 1) - 1;
    if (n > 0) this.perClient.set(sub.client, n);
    else this.perClient.delete(sub.client);
  }

  /** Starts polling a generation unless it is terminal or already polled here. */
  track(gen: Generation): void {
    if (this.stopping || isTerminal(gen.status) || this.pollers.has(gen.id)) return;
    const poller: Poller = { id: gen.id, timer: null, failures: 0, notFound: 0, scheduledAt: 0, scheduledDelayMs: 0, stopped: false };
    this.pollers.set(gen.id, poller);
    this.schedule(poller, this.delayFor(gen));
  }

  /** Resumes polling every non-terminal generation in the store (after a restart). */
  async resume(): Promise<number> {
    const active = await this.opts.store.listActive();
    for (const gen of active) this.track(gen);
    return active.length;
  }

  /**
   * Reads a known generation from the provider and applies the answer. Concurrent calls for the
   * same id share one provider read. Resolves to null when the store does not hold the id.
   * Throws UpstreamError when the provider could not answer.
   */
  refresh(id: string, known?: Generation): Promise<Generation | null> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.doRefresh(id, known).finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  /**
   * A stream of a generation's states: the current state at once, then each transition, ending
   * after a terminal one. It listens before it loads the current state, so a transition that
   * lands in between is not missed, and drops anything not newer than what it already sent.
   */
  watch(
    id: string,
    loadCurrent: () => Promise<Generation>,
    info: SubscriberInfo = { transport: 'ws', client: 'default' },
  ): Repeater<Generation> {
    return new Repeater<Generation>(async (push, stop) => {
      // Ending from outside (shutdown) stops this stream, which completes it for the client.
      const end = (): void => stop();
      let sent = 0;
      const emit = (gen: Generation): void => {
        if (gen.transitions.length <= sent) return;
        sent = gen.transitions.length;
        // Not awaited: at most a handful of transitions per generation are ever buffered.
        void push(gen);
        if (isTerminal(gen.status)) stop();
      };
      // Listen before the current state loads, so a transition published meanwhile is held
      // back, then sent after it if it is newer. One listener straight into this stream: no
      // second async iterator per subscriber on the delivery path.
      let loaded = false;
      const early: Generation[] = [];
      const type = `generation:transition:${id}`;
      const listener = (event: Event): void => {
        const gen = (event as CustomEvent<Generation>).detail;
        if (loaded) emit(gen);
        else early.push(gen);
      };
      this.target.addEventListener(type, listener);
      this.addSubscriber(end, {
        ...info,
        resync: async () => {
          const gen = await this.opts.store.get(id);
          if (gen) emit(gen);
        },
      });
      try {
        const current = await loadCurrent();
        this.track(current);
        emit(current);
        loaded = true;
        for (const gen of early.splice(0)) emit(gen);
      } catch (err) {
        stop(err);
      }
      await stop;
      this.target.removeEventListener(type, listener);
      this.removeSubscriber(end);
    });
  }

  /**
   * After a gap in pub/sub delivery (a Redis reconnect), transitions may have been published
   * while nobody here listened: every open stream re-reads the stored state and catches up.
   */
  async resyncSubscriptions(): Promise<void> {
    await Promise.allSettled([...this.subscribers.values()].map((s) => s.resync()));
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

  /** Stops every poller; in-flight reads finish and save their state. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    for (const p of this.pollers.values()) this.cancel(p);
    this.pollers.clear();
    for (const end of [...this.subscribers.keys()]) end();
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Ends every open subscription stream (used on shutdown before sockets close). */
  endSubscriptions(): void {
    for (const end of [...this.subscribers.keys()]) end();
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
    this.pollers.delete(id);
    void this.opts.lease?.release(id).catch(() => undefined);
  }

  private delayFor(gen: Generation): number {
    const now = this.now();
    const deadline = gen.createdAt + this.opts.generationTimeoutMs;
    const d = nextPollDelay(gen, now, {
      baseMs: this.opts.pollIntervalMs,
      adaptive: this.opts.adaptivePolling ?? true,
    });
    // Wake up at the deadline at the latest, so TIMED_OUT is not late.
    return Math.max(0, Math.min(d, deadline - now));
  }

  private schedule(p: Poller, delayMs: number): void {
    if (p.stopped || this.stopping) return;
    p.scheduledAt = this.now();
    p.scheduledDelayMs = delayMs;
    p.timer = setTimeout(() => void this.tick(p), delayMs);
    // Pollers must not keep a process alive that is otherwise done.
    p.timer.unref();
  }

  private async tick(p: Poller): Promise<void> {
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
      if (gen && !isTerminal(gen.status) && this.now() >= gen.createdAt + this.opts.generationTimeoutMs) {
        gen = await this.exclusive(p.id, (g) => expire(g, this.now(), this.opts.generationTimeoutMs));
      } else if (gen && !isTerminal(gen.status)) {
        gen = await this.refresh(p.id, gen);
      }
      p.failures = 0;
      p.notFound = 0;
      this.opts.onPoll?.({ id: p.id, ok: true, scheduledDelayMs: p.scheduledDelayMs, actualDelayMs });
    } catch (err) {
      this.opts.onPoll?.({ id: p.id, ok: false, scheduledDelayMs: p.scheduledDelayMs, actualDelayMs });
      gen = await this.afterFailure(p, err);
    }
    if (p.stopped) return;
    if (!gen || isTerminal(gen.status)) {
      this.untrack(p.id);
      return;
    }
    if (p.failures > 0) {
      const retryAfter = err_retryAfter(this.lastError.get(p.id));
      const backoff = computeBackoff(p.failures, {
        baseMs: this.opts.pollIntervalMs,
        maxMs: this.opts.maxBackoffMs ?? 60_000,
        random: this.random,
      });
      const deadline = gen.createdAt + this.opts.generationTimeoutMs - this.now();
      this.schedule(p, Math.max(0, Math.min(Math.max(backoff, retryAfter ?? 0), deadline)));
    } else {
      this.schedule(p, this.delayFor(gen));
    }
  }

  private readonly lastError = new Map<string, unknown>();

  private async afterFailure(p: Poller, err: unknown): Promise<Generation | null> {
    p.failures++;
    this.lastError.set(p.id, err);
    const gen = await this.opts.store.get(p.id).catch(() => null);
    if (err instanceof UpstreamError) {
      if (err.status === 401 && !this.unauthorizedLogged) {
        this.unauthorizedLogged = true;
        this.opts.logger.error(
          { status: 401, requestId: err.requestId },
          'The provider rejected the API key (401): check AIMLAPI_KEY. Generations stay pending until it is fixed.',
        );
      }
      if (err.notFound) {
        p.notFound++;
        if (gen && p.notFound >= (this.opts.notFoundLimit ?? 3)) {
          return this.exclusive(p.id, (g) => lost(g, this.now())).catch(() => gen);
        }
      } else {
        p.notFound = 0;
      }
      this.opts.logger.warn({ generationId: p.id, err: err.message, failures: p.failures }, 'poll failed; backing off');
    } else {
      this.opts.logger.error({ generationId: p.id, err }, 'poll failed unexpectedly; backing off');
    }
    // A transient fault must not leave a generation pending forever: the deadline still holds.
    if (gen && !isTerminal(gen.status) && this.now() >= gen.createdAt + this.opts.generationTimeoutMs) {
      return this.exclusive(p.id, (g) => expire(g, this.now(), this.opts.generationTimeoutMs)).catch(() => gen);
    }
    return gen;
  }

  private async doRefresh(id: string, known?: Generation): Promise<Generation | null> {
    const current = known ?? (await this.opts.store.get(id));
    if (!current) return null;
    if (isTerminal(current.status)) return current;
    const reading = await this.opts.upstream.read(id);
    this.lastError.delete(id);
    // In one process every change to a pending generation goes through this hub, one at a time
    // (see `inflight`), so what was read is still current. In a cluster another instance may
    // have moved it meanwhile: read it again.
    const latest = this.opts.lease ? ((await this.opts.store.get(id)) ?? current) : current;
    return this.commit(latest, applyReading(latest, reading, this.now()));
  }

  /** Applies a local change after any in-flight provider read of the same id has landed. */
  private async exclusive(id: string, change: (g: Generation) => Applied): Promise<Generation | null> {
    const running = this.inflight.get(id);
    if (running) await running.catch(() => undefined);
    const p = (async () => {
      const gen = await this.opts.store.get(id);
      if (!gen) return null;
      return this.commit(gen, change(gen));
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  private async commit(previous: Generation, applied: Applied): Promise<Generation> {
    if (!applied.changed) return previous;
    await this.opts.store.save(applied.next);
    if (applied.transitioned) {
      this.opts.logger.info(
        { generationId: applied.next.id, status: applied.next.status, providerStatus: applied.next.providerStatus },
        'generation transition',
      );
      this.pubsub.publish('generation:transition', applied.next.id, applied.next);
      this.opts.onTransition?.(applied.next, previous);
      if (isTerminal(applied.next.status)) this.lastError.delete(applied.next.id);
    }
    return applied.next;
  }

  /** Publishes a generation created here (its first state), for cluster peers and hooks. */
  announce(gen: Generation): void {
    this.pubsub.publish('generation:transition', gen.id, gen);
  }
}

function err_retryAfter(err: unknown): number | null {
  return err instanceof UpstreamError ? err.retryAfterMs : null;
}
