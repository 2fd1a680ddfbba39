/**
 * The single write path of a generation's state after it was created: a provider read applied
 * through the pure state machine (`refresh`), a local change such as a timeout (`change`), and
 * the commit that saves, publishes the transition and tells the hooks. Concurrent work on one
 * id is serialised here, and concurrent reads of one id share one provider call.
 */
import type { Logger } from 'pino';
import { isTerminal, type Generation } from '../domain/generation.js';
import type { Clock, GenerationStore, Provider, TransitionBus } from '../domain/ports.js';
import { applyReading, expire, recoverLate, type Applied } from '../domain/state.js';
import type { WebhookOutbox } from '../domain/webhooks.js';

export interface TrackerOptions {
  store: GenerationStore;
  provider: Provider;
  bus: TransitionBus;
  logger: Logger;
  /**
   * A generation that a successful read after this long (from its creation) still shows in
   * progress becomes TIMED_OUT. Time without an answer never times a generation out here.
   * @default 900000 // 15 min
   */
  generationTimeoutMs?: number;
  /**
   * Gives every newly COMPLETED video the name of its archive slot, so its gateway URL is
   * stable from the first COMPLETED event on. Absent when videos are not archived.
   */
  nameArchive?: (gen: Generation) => string;
  /**
   * Cluster mode: another instance may have changed a generation while this one read the
   * provider, so the stored state is read again before an answer is applied.
   * @default false
   */
  shared?: boolean;
  now?: Clock;
  /** Called after every saved transition (metrics, archive, history learning). */
  onTransition?: (gen: Generation, previous: Generation) => void;
  /**
   * Webhooks: the deliveries a transition causes are saved in the same store write as the
   * transition (an outbox), so a crash between the two cannot lose one.
   */
  outbox?: WebhookOutbox;
}

export class GenerationTracker {
  private readonly inflight = new Map<string, Promise<Generation | null>>();
  private readonly now: Clock;

  constructor(private readonly opts: TrackerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Reads a known generation from the provider and applies the answer. Concurrent calls for the
   * same id share one provider read. Resolves to null when the store does not hold the id.
   * Throws the provider's `ProviderFailure` when it could not answer.
   */
  refresh(id: string, known?: Generation): Promise<Generation | null> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.doRefresh(id, known).finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  /** Applies a local change after any in-flight provider read of the same id has landed. */
  async change(id: string, fn: (g: Generation) => Applied): Promise<Generation | null> {
    const running = this.inflight.get(id);
    if (running) await running.catch(() => undefined);
    const p = (async () => {
      const gen = await this.opts.store.get(id);
      if (!gen) return null;
      return this.commit(gen, fn(gen));
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  /**
   * The first save of a generation just created. A provider may answer a create with a status past
   * QUEUED (even a finished one): those first transitions cause webhook deliveries too, recorded
   * in the same write.
   */
  async saveNew(gen: Generation): Promise<void> {
    const first = gen.transitions[0];
    const box = this.opts.outbox;
    const outbox = box && first && first.status !== gen.status ? await box.plan(gen, { ...gen, status: first.status }) : [];
    await this.opts.store.save(gen, outbox);
    if (outbox.length > 0) box?.recorded(outbox);
  }

  /** The store no longer holds `id`: open streams end with NOT_FOUND. */
  forget(id: string): void {
    this.opts.bus.publishRemoved(id);
  }

  /** Waits for every read or change in flight (shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
  }

  private async doRefresh(id: string, known?: Generation): Promise<Generation | null> {
    const current = known ?? (await this.opts.store.get(id));
    if (!current) return null;
    // A timed-out generation is still read (late recovery); other terminal states are final.
    if (isTerminal(current.status) && current.status !== 'TIMED_OUT') return current;
    const reading = await this.opts.provider.read(id);
    // In one process every change to a pending generation goes through here, one at a time
    // (see `inflight`), so what was read is still current. In a cluster another instance may
    // have moved it meanwhile: read it again.
    const latest = this.opts.shared ? ((await this.opts.store.get(id)) ?? current) : current;
    const now = this.now();
    if (latest.status === 'TIMED_OUT') return this.commit(latest, recoverLate(latest, reading, now));
    const read = await this.commit(latest, applyReading(latest, reading, now));
    // TIMED_OUT only on the provider's word: this read succeeded, after the deadline, and still
    // shows the generation in progress.
    const timeoutMs = this.opts.generationTimeoutMs ?? 900_000;
    if (!isTerminal(read.status) && now >= read.createdAt + timeoutMs) {
      return this.commit(read, expire(read, now, timeoutMs, 'deadline'));
    }
    return read;
  }

  private async commit(previous: Generation, applied: Applied): Promise<Generation> {
    if (!applied.changed) return previous;
    if (applied.next.status === 'COMPLETED' && applied.next.video && !applied.next.video.archiveName && this.opts.nameArchive) {
      applied.next.video = { ...applied.next.video, archiveName: this.opts.nameArchive(applied.next) };
    }
    const outbox = applied.transitioned && this.opts.outbox ? await this.opts.outbox.plan(applied.next, previous) : [];
    await this.opts.store.save(applied.next, outbox);
    if (outbox.length > 0) this.opts.outbox?.recorded(outbox);
    if (applied.transitioned) {
      this.opts.logger.info(
        { generationId: applied.next.id, status: applied.next.status, providerStatus: applied.next.providerStatus },
        'generation transition',
      );
      this.opts.bus.publish(applied.next);
      this.opts.onTransition?.(applied.next, previous);
    }
    return applied.next;
  }
}
