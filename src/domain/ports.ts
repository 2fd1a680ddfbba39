/**
 * The domain's ports: what the service, the tracker and the poller need from the outside world
 * (a store, the provider, a transition bus, a clock, budgets and leases). Adapters implement
 * them; the domain imports none of them.
 *
 * The store: what the gateway keeps. One interface, implemented in memory (tests), in SQLite (the embedded
 * default) and in Redis (cluster mode). Every method is async so the implementations are
 * interchangeable.
 */
import type {
  Duration,
  Generation,
  GenerationFailure,
  GenerationInput,
  GenerationStatus,
  Resolution,
  Usage,
  VideoFile,
  VideoModel,
} from './generation.js';
import type { SpendRecord } from './cost.js';
import type { WebhookDelivery, WebhookStore } from './webhooks.js';

export interface PageRequest {
  /** Page size, already clamped by the caller. */
  first: number;
  /** Exclusive: only generations strictly older than this position. */
  after: PagePosition | null;
  /** Only these statuses; null or empty for all. */
  statuses: GenerationStatus[] | null;
}

/**
 * A position in a store's newest-first order: a creation time, and an id that places the
 * position among the generations created at that time (each store orders ids in its own stable
 * way; any id is a valid position).
 */
export interface PagePosition {
  createdAt: number;
  id: string;
}

export interface Page {
  items: Generation[];
  hasNextPage: boolean;
}

export type IdempotencyState =
  /** A create is being sent now. */
  | 'pending'
  /** The create succeeded: `generationId` is set. */
  | 'done'
  /** The create may have reached the provider but its answer was lost. */
  | 'in_doubt';

export interface IdempotencyRecord {
  owner: string;
  key: string;
  fingerprint: string;
  state: IdempotencyState;
  generationId: string | null;
  createdAt: number;
  expiresAt: number;
}

export type ClaimResult = { claimed: true } | { claimed: false; record: IdempotencyRecord };

export interface CompletedSample {
  resolution: Resolution;
  duration: Duration;
  tookMs: number;
  /** Set for the image models only; absent means text-to-video. */
  model?: VideoModel;
}

export interface GenerationStore {
  /** A short name for logs and readiness ("memory", "sqlite", "redis"). */
  readonly kind: string;
  get(id: string): Promise<Generation | null>;
  /**
   * Inserts or replaces a generation; atomic per generation. Its owner is fixed by the first
   * save and never changes: a save under another owner is refused (rejects) and writes nothing.
   * `outbox`: webhook deliveries this save causes, written in the same atomic write (all or
   * nothing with the generation).
   */
  save(gen: Generation, outbox?: readonly WebhookDelivery[]): Promise<void>;
  /** Webhook endpoints and deliveries, kept in the same store (src/domain/webhooks.ts). */
  readonly webhooks: WebhookStore;
  /** Every generation that is not in a terminal status, for the poller to resume. */
  listActive(): Promise<Generation[]>;
  /** TIMED_OUT generations that timed out (`completedAt`) at or after `since`, for late recovery. */
  listTimedOutSince(since: number): Promise<Generation[]>;
  /** Completed generations whose video has no archived copy yet (oldest first), to resume archiving. */
  listUnarchived(limit: number): Promise<Generation[]>;
  /**
   * A client's generations, newest first by `createdAt`. Generations created in the same
   * millisecond come in an order of the store's choosing, the same on every call, and `after`
   * continues exactly after the position it names in that order: paging from any cursor sees
   * every generation once, none skipped, whatever is created or updated meanwhile.
   */
  list(owner: string, page: PageRequest): Promise<Page>;
  /** How many of a client's generations are not terminal. */
  countActive(owner: string): Promise<number>;
  /** Durations of the most recent completed generations, oldest first, to seed the estimator. */
  recentCompletions(limit: number): Promise<CompletedSample[]>;
  /**
   * What an owner's generations created at or after `since` count against its spend, oldest
   * first (equal createdAt in any order).
   */
  spendSince(owner: string, since: number): Promise<SpendRecord[]>;
  /**
   * Atomically claims an idempotency key for a new create, or returns the live record that
   * holds it. Expired records are replaced.
   */
  claimKey(owner: string, key: string, fingerprint: string, now: number, ttlMs: number): Promise<ClaimResult>;
  getKey(owner: string, key: string, now: number): Promise<IdempotencyRecord | null>;
  /** The create under this key succeeded; the generation must already be saved. */
  completeKey(owner: string, key: string, generationId: string): Promise<void>;
  markKeyInDoubt(owner: string, key: string): Promise<void>;
  /** The create definitely did not happen: free the key for a retry. */
  releaseKey(owner: string, key: string): Promise<void>;
  /** True while the store can serve requests (for readiness). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A provider's answer in the domain's terms: the provider adapter maps its status words,
 * errors and usage figures; the domain never sees the wire format.
 */
export interface ProviderReading {
  id: string;
  /** The mapped status; a done word without a video URL is already FAILED here. */
  status: Exclude<GenerationStatus, 'TIMED_OUT'>;
  /** The provider's own status word, lower-cased and trimmed. */
  providerStatus: string;
  video: VideoFile | null;
  error: GenerationFailure | null;
  usage: Usage | null;
  /**
   * The image model that made it, when the provider's answer shows one (its ids end with the
   * model id); absent for text-to-video or when it does not say. Used for ids adopted by lookup.
   */
  model?: VideoModel;
}

/**
 * The provider port. Implementations throw `ProviderFailure` (src/domain/errors.ts) and never
 * resend a create that may have reached the provider.
 */
export interface Provider {
  create(input: GenerationInput, options?: { requestId?: string }): Promise<ProviderReading>;
  read(id: string, options?: { requestId?: string; signal?: AbortSignal }): Promise<ProviderReading>;
}

/** Where every saved status transition is published, and heard (in-process, or Redis in a cluster). */
export interface TransitionBus {
  publish(gen: Generation): void;
  /** The store no longer holds this generation (retention, a store that restarted empty). */
  publishRemoved(id: string): void;
  /**
   * Calls `listener` with every transition of generation `id`, or with null when it was
   * removed, until the returned function is called.
   */
  subscribe(id: string, listener: (gen: Generation | null) => void): () => void;
}

/** The clock: epoch milliseconds. */
export type Clock = () => number;

/**
 * Per-owner create budget: a sliding one-minute window. Async so cluster mode can keep the
 * window in Redis.
 */
export interface RateLimiter {
  /** Takes one unit for `owner`; 0 when allowed, otherwise milliseconds until one is free. */
  take(owner: string, now: number): Promise<number>;
}

/** Cluster mode: decides which instance polls a generation. */
export interface PollLease {
  acquire(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  /** How long to wait before asking again for a lease another instance holds. */
  readonly retryMs: number;
}
