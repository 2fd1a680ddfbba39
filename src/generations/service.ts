/**
 * The generation service: the use cases (create, get, watch, list). Resolvers call it; it calls
 * the ports (store, provider, budgets) and hands pending generations to the poll scheduler and
 * streams to subscribers. It never loops or sleeps on the provider: polling belongs to the
 * scheduler, and every later change of a generation to the tracker.
 */
import type { Logger } from 'pino';
import { ProviderFailure, ServiceError, type UserErrorData } from '../domain/errors.js';
import type { DurationEstimator } from '../domain/progress.js';
import { newGeneration } from '../domain/state.js';
import type { GenerationStore, Page, PagePosition, Provider, RateLimiter } from '../domain/ports.js';
import { isTerminal, modelOf, type Generation, type GenerationInput, type GenerationStatus } from '../domain/generation.js';
import { inputFingerprint, validateGenerationInput, type RawGenerationInput } from '../domain/validate.js';
import { DEFAULT_MAX_IMAGE_BYTES, type ImageRules, type ImageStore } from '../domain/images.js';
import { storeUploads } from './frames.js';
import type { PollScheduler } from '../watch/scheduler.js';
import type { SubscriptionStreams } from '../watch/streams.js';
import type { GenerationTracker } from '../watch/tracker.js';
import type { LookupBudget } from './lookups.js';
import type { SpendLedger, SpendReservation } from './spend.js';
import { userErrorForCreate } from './user-errors.js';
import { currentTraceparent } from '../lib/tracing.js';

export interface GenerationServiceOptions {
  store: GenerationStore;
  provider: Provider;
  tracker: GenerationTracker;
  scheduler: PollScheduler;
  streams: SubscriptionStreams;
  logger: Logger;
  estimator: DurationEstimator;
  rateLimiter: RateLimiter;
  /** Per client: non-terminal generations at once. @default 5 */
  maxActiveGenerations: number;
  /** Per client: open subscriptions at once, all transports. @default 1000 */
  maxSubscriptionsPerClient?: number;
  /** Per owner: creates per minute (the rate limiter's budget), as `viewer.limits` reports it. @default 30 */
  generatesPerMinute?: number;
  /** Spend per owner over 24 h, and SPEND_LIMIT_PER_DAY; without it spend is neither counted nor limited. */
  spend?: SpendLedger;
  /** Called for every userError returned (metrics). */
  onUserErrors?: (errors: UserErrorData[]) => void;
  /** How long an idempotency key is remembered. @default 86400000 (24 h) */
  idempotencyTtlMs?: number;
  /** How long a request waits for an identical one already creating under the same key. @default 45000 */
  idempotencyWaitMs?: number;
  /**
   * Budget and negative memory for lookups of ids not in the store for their caller (lookups.ts).
   * @default undefined // unbudgeted
   */
  lookupBudget?: LookupBudget;
  /** Where uploaded frames are checked and kept; without it, frames may only be URLs. */
  images?: ImageStore;
  /** Rules for frames: upload size (MAX_IMAGE_BYTES), http: URLs (ALLOW_HTTP_IMAGE_URLS). @default {} */
  imageRules?: ImageRules;
  now?: () => number;
}

/** What `viewer` reports about an owner. */
export interface ViewerSummary {
  activeGenerations: number;
  /** Credits spent in the last 24 h: reported figures, and expected ones for generations not yet reported. */
  spentLast24h: number;
  limits: { maxActiveGenerations: number; generatesPerMinute: number; spendPerDay: number | null };
}

export type CreateResult = { generation: Generation; userErrors: [] } | { generation: null; userErrors: UserErrorData[] };

export interface ListArgs {
  first: number;
  after: PagePosition | null;
  statuses: GenerationStatus[] | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Provider ids are short printable text. Anything else (control characters, lone surrogates,
 * kilobytes of junk) cannot name a generation: answer "unknown" without asking the provider.
 */
export function isPlausibleId(id: string): boolean {
  return (
    id.length > 0 &&
    id.length <= 512 &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001F\u007F]/.test(id) &&
    !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(id)
  );
}

function fail(...userErrors: UserErrorData[]): CreateResult {
  return { generation: null, userErrors };
}

/** Input fields a generation adopted from the provider cannot know. */
const UNKNOWN_INPUT: GenerationInput = {
  prompt: '',
  negativePrompt: null,
  aspectRatio: '16:9',
  resolution: '720p',
  duration: 5,
  style: null,
  seed: null,
};

export class GenerationService {
  private readonly now: () => number;
  private readonly lookups = new Map<string, Promise<Generation | null>>();
  private readonly creating = new Map<string, Promise<CreateResult>>();
  private badKeyReported = false;

  constructor(private readonly opts: GenerationServiceOptions) {
    this.now = opts.now ?? Date.now;
  }

  async create(owner: string, raw: RawGenerationInput, ctx: { requestId?: string } = {}): Promise<CreateResult> {
    const result = await this.createUnobserved(owner, raw, ctx);
    if (result.userErrors.length > 0) this.opts.onUserErrors?.(result.userErrors);
    return result;
  }

  private async createUnobserved(owner: string, raw: RawGenerationInput, ctx: { requestId?: string }): Promise<CreateResult> {
    const rules = this.opts.imageRules ?? {};
    const v = validateGenerationInput(raw, rules);
    if (!v.ok) return fail(...v.problems.map((p) => ({ code: 'INVALID_INPUT' as const, message: p.message, field: p.field })));
    const stored = await storeUploads(v.input, v.uploads, this.opts.images, rules.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES);
    if (!stored.ok) return fail(...stored.problems.map((p) => ({ code: 'INVALID_INPUT' as const, message: p.message, field: p.field })));
    return this.createValidated(owner, stored.input, v.idempotencyKey, ctx);
  }

  private async createValidated(owner: string, input: GenerationInput, idempotencyKey: string | null, ctx: { requestId?: string }): Promise<CreateResult> {
    if (idempotencyKey === null) return this.createNew(owner, input, null, ctx);

    // Identical requests racing in this process share one attempt; across processes the store's
    // atomic claim decides.
    const local = JSON.stringify([owner, idempotencyKey]);
    const running = this.creating.get(local);
    if (running) {
      const res = await running;
      return this.replay(res, input, owner, idempotencyKey);
    }
    const attempt = this.createWithKey(owner, input, idempotencyKey, ctx).finally(() => this.creating.delete(local));
    this.creating.set(local, attempt);
    return attempt;
  }

  /** A request that waited on an identical in-process one: same input gets the same answer. */
  private async replay(res: CreateResult, input: GenerationInput, owner: string, key: string): Promise<CreateResult> {
    const rec = await this.opts.store.getKey(owner, key, this.now());
    if (rec && rec.fingerprint !== inputFingerprint(input)) return this.conflict();
    if (!rec && res.generation === null) {
      // The first attempt failed cleanly and freed the key: this one may try for itself.
      return this.createValidated(owner, input, key, {});
    }
    return res;
  }

  private conflict(): CreateResult {
    return fail({
      code: 'IDEMPOTENCY_CONFLICT',
      message: 'This idempotencyKey was already used with a different input; use a new key for a new generation',
      field: ['input', 'idempotencyKey'],
    });
  }

  private async createWithKey(owner: string, input: GenerationInput, key: string, ctx: { requestId?: string }): Promise<CreateResult> {
    const fingerprint = inputFingerprint(input);
    const ttl = this.opts.idempotencyTtlMs ?? DAY_MS;
    const deadline = this.now() + (this.opts.idempotencyWaitMs ?? 45_000);
    for (;;) {
      const claim = await this.opts.store.claimKey(owner, key, fingerprint, this.now(), ttl);
      if (claim.claimed) return this.createNew(owner, input, key, ctx);
      const rec = claim.record;
      if (rec.fingerprint !== fingerprint) return this.conflict();
      if (rec.state === 'done' && rec.generationId) {
        const gen = await this.opts.store.get(rec.generationId);
        if (gen) return { generation: gen, userErrors: [] };
      }
      if (rec.state === 'in_doubt') {
        return fail({
          code: 'UPSTREAM_UNAVAILABLE',
          message:
            'An earlier request with this idempotencyKey may have started a paid generation, but the provider did not ' +
            'confirm it. To avoid paying twice, no new generation is created under this key; use a new key to create one anyway.',
          field: ['input', 'idempotencyKey'],
        });
      }
      // Another instance is creating under this key right now: wait for its outcome.
      if (this.now() >= deadline) {
        return fail({
          code: 'UPSTREAM_UNAVAILABLE',
          message: 'A request with this idempotencyKey is still in progress; retry shortly',
          field: ['input', 'idempotencyKey'],
          retryAfterMs: 1000,
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async createNew(owner: string, input: GenerationInput, key: string | null, ctx: { requestId?: string }): Promise<CreateResult> {
    const release = async (): Promise<void> => {
      if (key !== null) await this.opts.store.releaseKey(owner, key);
    };
    const budget = await this.checkBudgets(owner, input);
    if (budget.refused) {
      await release();
      return fail(budget.refused);
    }
    let reading;
    try {
      reading = await this.opts.provider.create(input, ctx.requestId ? { requestId: ctx.requestId } : {});
    } catch (err) {
      budget.held?.release();
      return this.createFailed(err, owner, key);
    }
    const now = this.now();
    const gen = newGeneration({
      reading,
      owner,
      input,
      inputKnown: true,
      idempotencyKey: key,
      expectedDurationMs: this.opts.estimator.expectedMs(input.resolution, input.duration, modelOf(input)),
      now,
    });
    // The operation that created it, when tracing is on: later polls link to it (lib/tracing.ts).
    const traceparent = currentTraceparent();
    if (traceparent) gen.traceparent = traceparent;
    try {
      // Through the tracker: a create answered past QUEUED causes webhook deliveries.
      await this.opts.tracker.saveNew(gen);
    } finally {
      // Saved, the generation counts against the owner's spend itself.
      budget.held?.release();
    }
    this.opts.spend?.observe(gen);
    if (key !== null) await this.opts.store.completeKey(owner, key, gen.id);
    this.opts.logger.info(
      { generationId: gen.id, client: owner, model: modelOf(input), resolution: input.resolution, duration: input.duration },
      'generation created',
    );
    this.opts.scheduler.track(gen);
    return { generation: gen, userErrors: [] };
  }

  private async createFailed(err: unknown, owner: string, key: string | null): Promise<CreateResult> {
    if (!(err instanceof ProviderFailure)) {
      if (key !== null) await this.opts.store.markKeyInDoubt(owner, key);
      throw err;
    }
    if (key !== null) {
      if (err.mayHaveReachedProvider) await this.opts.store.markKeyInDoubt(owner, key);
      else await this.opts.store.releaseKey(owner, key);
    }
    if (err.reason === 'unauthorized' && !this.badKeyReported) {
      // A 401 is the operator's misconfiguration, not the caller's: say it loudly, once.
      this.badKeyReported = true;
      this.opts.logger.error(
        { status: 401, requestId: err.requestId },
        'The provider rejected the API key (401): check AIMLAPI_KEY. Creates answer UPSTREAM_UNAVAILABLE until it is fixed.',
      );
    }
    this.opts.logger.warn({ client: owner, status: err.status, reason: err.reason, requestId: err.requestId }, 'create failed');
    return fail(userErrorForCreate(err));
  }

  private async checkBudgets(
    owner: string,
    input: GenerationInput,
  ): Promise<{ refused: UserErrorData; held?: undefined } | { refused?: undefined; held: SpendReservation | null }> {
    const active = await this.opts.store.countActive(owner);
    if (active >= this.opts.maxActiveGenerations) {
      return {
        refused: {
          code: 'RATE_LIMITED',
          message: `At most ${this.opts.maxActiveGenerations} generations may run at once; wait for one to finish`,
          field: null,
          retryAfterMs: 5000,
        },
      };
    }
    // Before the rate limiter takes a unit, so a create refused for its cost uses none.
    const held = this.opts.spend ? await this.opts.spend.reserve(owner, input, this.now()) : null;
    if (held && 'code' in held) return { refused: held };
    const waitMs = await this.opts.rateLimiter.take(owner, this.now());
    if (waitMs > 0) {
      held?.release();
      return {
        refused: {
          code: 'RATE_LIMITED',
          message: `Too many generations started this minute; retry in ${Math.ceil(waitMs / 1000)} s`,
          field: null,
          retryAfterMs: waitMs,
        },
      };
    }
    return { held };
  }


  /**
   * A generation as this client may see it, refreshed from the provider while it is pending.
   * Another client's generation is answered exactly like an unknown id.
   */
  async get(owner: string, id: string): Promise<Generation | null> {
    if (!isPlausibleId(id)) return null;
    const stored = await this.opts.store.get(id);
    if (stored && stored.owner === owner) {
      if (isTerminal(stored.status)) return stored;
      try {
        return (await this.opts.tracker.refresh(id, stored)) ?? stored;
      } catch {
        // The provider is having trouble: what we know is still the right answer.
        return stored;
      }
    }
    return this.lookup(owner, id, stored !== null);
  }

  /**
   * Looks an id up at the provider; adopts it when the provider knows it and nobody owns it.
   * Another owner's id takes exactly the path of an unknown one (the same budget, the same
   * provider read, the same answer when the provider fails or is slow) and ends as null: nothing
   * in the answer or its timing tells the two apart.
   */
  private async lookup(owner: string, id: string, ownedByAnother: boolean): Promise<Generation | null> {
    const k = JSON.stringify([owner, id]);
    const running = this.lookups.get(k);
    if (running) return running;
    const budget = this.opts.lookupBudget;
    const p = (async () => {
      // Over budget, or known not to be there: answered as unknown, without asking the provider.
      if (budget && !(await budget.admit(owner, id))) return null;
      let reading;
      try {
        reading = await this.opts.provider.read(id);
      } catch (err) {
        // A 400 on a read means the provider cannot parse the id: it names nothing.
        if (err instanceof ProviderFailure && (err.notFound || (err.reason === 'rejected' && err.status === 400))) {
          budget?.rememberMissing(owner, id);
          return null;
        }
        throw new ServiceError('UPSTREAM_UNAVAILABLE', 'The provider could not be reached to look this generation up; retry shortly');
      }
      if (ownedByAnother) {
        budget?.rememberMissing(owner, id);
        return null;
      }
      const gen = newGeneration({
        reading,
        owner,
        // The provider's id tells an image model apart; its frames and other inputs stay unknown.
        input: reading.model ? { ...UNKNOWN_INPUT, model: reading.model, firstFrame: null, lastFrame: null } : UNKNOWN_INPUT,
        inputKnown: false,
        idempotencyKey: null,
        expectedDurationMs: this.opts.estimator.expectedMs('720p', 5, reading.model),
        now: this.now(),
      });
      const raced = await this.opts.store.get(id);
      if (raced) return this.ownedOrNull(raced, owner);
      try {
        await this.opts.store.save(gen);
      } catch (err) {
        // Another owner adopted the same id between the read above and this save (a store
        // refuses to change an owner): that answers as an unknown id does, not as an error.
        const winner = await this.opts.store.get(id);
        if (winner) return this.ownedOrNull(winner, owner);
        throw err;
      }
      this.opts.scheduler.track(gen);
      return gen;
    })().finally(() => this.lookups.delete(k));
    this.lookups.set(k, p);
    return p;
  }

  private ownedOrNull(gen: Generation, owner: string): Generation | null {
    if (gen.owner === owner) return gen;
    this.opts.lookupBudget?.rememberMissing(owner, gen.id);
    return null;
  }

  /**
   * Admits a subscriber of `owner` served by a stream another of its subscriptions already
   * opened (a shared execution): the same cap as `watch`; the returned function releases it.
   */
  follow(owner: string, transport = 'ws'): () => void {
    this.admitSubscription(owner);
    return this.opts.streams.follow({ transport, client: owner });
  }

  private admitSubscription(owner: string): void {
    const max = this.opts.maxSubscriptionsPerClient ?? 1000;
    if (this.opts.streams.of(owner) >= max) {
      throw new ServiceError('RATE_LIMITED', `At most ${max} subscriptions may be open at once; close some first`);
    }
  }

  /** The stream behind `videoGenerationUpdates`. Throws NOT_FOUND for an id this client cannot see. */
  watch(owner: string, id: string, transport = 'ws'): AsyncIterable<Generation> {
    this.admitSubscription(owner);
    return this.opts.streams.watch(
      id,
      async () => {
        if (!isPlausibleId(id)) throw new ServiceError('NOT_FOUND', 'No video generation with this id');
        // A generation this client owns is kept fresh by its poller: answering from the store
        // keeps subscriber count from turning into provider reads.
        const stored = await this.opts.store.get(id);
        if (stored && stored.owner === owner) return stored;
        const gen = await this.get(owner, id);
        if (!gen) throw new ServiceError('NOT_FOUND', `No video generation with id "${id}"`);
        return gen;
      },
      { transport, client: owner },
    );
  }

  /** Who the caller is to the gateway: what it has running, spent, and the limits that apply. */
  async viewer(owner: string): Promise<ViewerSummary> {
    const [activeGenerations, spentLast24h] = await Promise.all([
      this.opts.store.countActive(owner),
      this.opts.spend ? this.opts.spend.spentLast24h(owner, this.now()) : Promise.resolve(0),
    ]);
    return {
      activeGenerations,
      spentLast24h,
      limits: {
        maxActiveGenerations: this.opts.maxActiveGenerations,
        generatesPerMinute: this.opts.generatesPerMinute ?? 30,
        spendPerDay: this.opts.spend?.limitPerDay ?? null,
      },
    };
  }

  list(owner: string, args: ListArgs): Promise<Page> {
    return this.opts.store.list(owner, { first: args.first, after: args.after, statuses: args.statuses });
  }
}
