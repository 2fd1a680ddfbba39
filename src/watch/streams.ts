/**
 * Subscription streams: what `videoGenerationUpdates` returns on every transport. A stream
 * sends the current state at once, then each newer state the bus carries, and ends after a
 * terminal one. It only listens: the poll scheduler is the one that asks the provider.
 */
import { Repeater } from '@repeaterjs/repeater';
import { ServiceError } from '../domain/errors.js';
import { isTerminal, type Generation } from '../domain/generation.js';
import type { GenerationStore, TransitionBus } from '../domain/ports.js';

export interface SubscriberInfo {
  /** 'ws' or 'sse' (or 'http' for other streaming transports). */
  transport: string;
  /** The owner the stream counts against. */
  client: string;
}

interface Subscriber extends SubscriberInfo {
  /** Re-reads the current state and sends it if it is newer than what was sent. */
  resync(): Promise<void>;
}

export interface SubscriptionStreamsOptions {
  store: GenerationStore;
  bus: TransitionBus;
  /** Called with the state a new stream starts from, so a pending generation gets a poller. */
  onFollow?: (gen: Generation) => void;
}

export class SubscriptionStreams {
  /** Open streams: how to end each, and who holds it on which transport. */
  private readonly subscribers = new Map<() => void, Subscriber>();
  /**
   * Open streams per client, kept in step with `subscribers`, so the per-client cap is an O(1)
   * check: counting by scanning every subscriber made opening n subscriptions O(n²).
   */
  private readonly perClient = new Map<string, number>();
  /**
   * Subscribers served by a stream another subscriber opened (one execution shared by the
   * subscribers of the same generation, document and variables: src/server/shared-subscriptions.ts),
   * per transport. They hold no stream of their own but count as open subscriptions all the same.
   */
  private readonly followers = new Map<string, number>();
  private followerCount = 0;

  constructor(private readonly opts: SubscriptionStreamsOptions) {}

  /** Open streams on this instance. */
  get active(): number {
    return this.subscribers.size + this.followerCount;
  }

  /** Streams that listen on the bus themselves (shared subscriptions count one per group). */
  get sources(): number {
    return this.subscribers.size;
  }

  byTransport(): Record<string, number> {
    const out: Record<string, number> = { ws: 0, sse: 0 };
    for (const s of this.subscribers.values()) out[s.transport] = (out[s.transport] ?? 0) + 1;
    for (const [transport, n] of this.followers) out[transport] = (out[transport] ?? 0) + n;
    return out;
  }

  /**
   * Counts one more subscriber of `info.client` that is served by a stream already open (it
   * holds none itself); the returned function, idempotent, releases it.
   */
  follow(info: SubscriberInfo): () => void {
    this.perClient.set(info.client, (this.perClient.get(info.client) ?? 0) + 1);
    this.followers.set(info.transport, (this.followers.get(info.transport) ?? 0) + 1);
    this.followerCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.followerCount--;
      const t = (this.followers.get(info.transport) ?? 1) - 1;
      if (t > 0) this.followers.set(info.transport, t);
      else this.followers.delete(info.transport);
      this.decrement(info.client);
    };
  }

  /** Open streams of one client on this instance. */
  of(client: string): number {
    return this.perClient.get(client) ?? 0;
  }

  /**
   * A stream of a generation's states. It listens before it loads the current state, so a
   * transition that lands in between is not missed, and drops anything not newer than what it
   * already sent. `loadCurrent` throwing ends the stream with that error.
   */
  watch(id: string, loadCurrent: () => Promise<Generation>, info: SubscriberInfo): Repeater<Generation> {
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
      // The generation is gone from the store: end with a clear error instead of waiting forever.
      const gone = (): void => stop(new ServiceError('NOT_FOUND', `The video generation "${id}" no longer exists`));
      let loaded = false;
      const early: Generation[] = [];
      const unsubscribe = this.opts.bus.subscribe(id, (gen) => {
        if (gen === null) gone();
        else if (loaded) emit(gen);
        else early.push(gen);
      });
      this.add(end, {
        ...info,
        resync: async () => {
          const gen = await this.opts.store.get(id);
          if (gen) emit(gen);
          else gone();
        },
      });
      try {
        const current = await loadCurrent();
        this.opts.onFollow?.(current);
        emit(current);
        loaded = true;
        for (const gen of early.splice(0)) emit(gen);
      } catch (err) {
        stop(err);
      }
      await stop;
      unsubscribe();
      this.remove(end);
    });
  }

  /**
   * After a gap in bus delivery (a Redis reconnect), transitions may have been published while
   * nobody here listened: every open stream re-reads the stored state and catches up.
   */
  async resync(): Promise<void> {
    await Promise.allSettled([...this.subscribers.values()].map((s) => s.resync()));
  }

  /** Ends every open stream (shutdown), which completes each for its client. */
  endAll(): void {
    for (const end of [...this.subscribers.keys()]) end();
  }

  private add(end: () => void, sub: Subscriber): void {
    this.subscribers.set(end, sub);
    this.perClient.set(sub.client, (this.perClient.get(sub.client) ?? 0) + 1);
  }

  private remove(end: () => void): void {
    const sub = this.subscribers.get(end);
    if (!sub) return;
    this.subscribers.delete(end);
    this.decrement(sub.client);
  }

  private decrement(client: string): void {
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n > 0) this.perClient.set(client, n);
    else this.perClient.delete(client);
  }
}
