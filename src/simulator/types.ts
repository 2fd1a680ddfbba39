/**
 * Public types of the simulated provider. The simulator speaks CONTRACT §1 over real HTTP so that
 * the gateway's upstream client is exercised exactly as it would be against the AI/ML API.
 */
import type { Duration, Resolution } from '../domain/generation.js';

/**
 * How one generation behaves on reads. Chosen per create with `nextBehaviour()` or with a
 * `[sim:<behaviour>]` tag in the prompt; every variant is something the provider has been seen
 * (or may plausibly be seen) to do.
 */
export type Behaviour =
  /** `queued` → `generating` → `completed` with one video object. */
  | 'normal'
  /** Older models' words: `waiting` → `active` → `succeeded`. */
  | 'legacy'
  /** Older models' words ending in failure: `waiting` → `active` → `failed` with `{ name, message }`. */
  | 'legacy-fail'
  /** An undocumented word (`rendering`) in place of `generating`. */
  | 'unknown-status'
  /** `completed` with `video` as an array of one file object, as newer models answer. */
  | 'video-array'
  /** Ends in `error` with `error: { name, message }`. */
  | 'fail'
  /** Ends in `error` with `error: { detail: [{ loc, msg, type }] }`. */
  | 'fail-detail'
  /** `completed` with `video: null`. */
  | 'done-without-url'
  /** Stays `generating` forever, for generation-timeout tests. */
  | 'never';

export const BEHAVIOURS: readonly Behaviour[] = [
  'normal',
  'legacy',
  'legacy-fail',
  'unknown-status',
  'video-array',
  'fail',
  'fail-detail',
  'done-without-url',
  'never',
];

/** HTTP statuses a `status` fault may answer with: the ones CONTRACT §1 lists, plus 403 and 408. */
export type FaultStatus = 400 | 401 | 403 | 404 | 408 | 429 | 500 | 502 | 503 | 504;

export type Fault =
  /** Answer with this status and the provider's error body. */
  | {
      type: 'status';
      status: FaultStatus;
      /** Seconds; sets a `Retry-After` header. Absent means no header, as the provider does not promise one. */
      retryAfter?: number;
      /** Replaces the default message of the error body. */
      message?: string;
    }
  /** Never answer; the socket stays open until the client gives up or the simulator stops. */
  | { type: 'hang' }
  /** Destroy the socket without answering. */
  | { type: 'reset' }
  /** Answer 200 with an HTML page, as a misbehaving proxy in front of the provider would. */
  | { type: 'non-json' }
  /** Answer normally, after `ms` milliseconds. */
  | { type: 'delay'; ms: number };

export interface InjectOptions {
  /**
   * How many matching requests the fault applies to; `Infinity` keeps it until `clearFaults()`.
   * @default 1
   */
  times?: number;
  /**
   * Which requests the fault applies to.
   * @default 'read'
   */
  on?: 'create' | 'read' | 'any';
  /** Only reads of this generation id. Implies `on: 'read'`. */
  id?: string;
}

export interface SimulatorStats {
  /** Create requests that reached the create route, whatever their outcome (faulted, 401, 400 included). */
  readonly creates: number;
  /** Read requests that reached the read route, whatever their outcome. */
  readonly reads: number;
  /** Generations actually created (2xx creates): what the provider would have charged for. */
  readonly generations: number;
  /** Read requests for this generation id, whatever their outcome. */
  readsFor(id: string): number;
  /** Sets every count back to zero. */
  reset(): void;
}

/** Milliseconds a generation spends in the generating phase, for its resolution and duration. */
export type GenerateMsFn = (resolution: Resolution, duration: Duration) => number;

export interface SimulatorOptions {
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * The only key the simulator accepts as `Authorization: Bearer <key>`.
   * @default 'sim-local-key'
   */
  apiKey?: string;
  /**
   * Milliseconds a generation stays `queued`.
   * @default 3000
   */
  queueMs?: number;
  /**
   * Milliseconds a generation stays `generating` after its queue time, as a number or per
   * resolution and duration.
   * @default defaultGenerateMs // 720p/5 s: 35 s, 1080p/5 s: 72 s, 8 s durations 1.5×
   */
  generateMs?: number | GenerateMsFn;
  /**
   * HTTP status of a successful create; the provider has been documented answering both.
   * @default 201
   */
  createStatus?: 200 | 201;
  /**
   * Clock used for generation timings, so tests can move time by hand.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Base URL written into video URLs, for when clients reach the simulator by another address
   * than the one it listens on (a container, a tunnel).
   * @default the listening URL, e.g. 'http://127.0.0.1:PORT'
   */
  publicUrl?: string;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; use it as AIMLAPI_BASE_URL. */
  readonly url: string;
  /** The key to send as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  readonly stats: SimulatorStats;
  /** Queues a fault; the oldest matching fault with uses left applies first. */
  inject(fault: Fault, options?: InjectOptions): void;
  /** Removes every queued fault (requests already hanging or delayed are not affected). */
  clearFaults(): void;
  /**
   * Queues a behaviour for the next successful create; each call applies to one create, in order.
   * A queued behaviour takes precedence over a `[sim:...]` prompt tag.
   */
  nextBehaviour(behaviour: Behaviour): void;
  /** Closes the server and destroys every open socket, hung requests included. */
  stop(): Promise<void>;
}
