/**
 * Public types of the simulated provider. The simulator speaks docs/provider.md over real HTTP so that
 * the gateway's upstream client is exercised exactly as it would be against the AI/ML API.
 */
import type { Duration, GenerationPath, Model, Resolution } from './spec.js';

/**
 * How one generation behaves on reads. Chosen per create with `nextBehaviour()` or with a
 * `[sim:<behaviour>]` tag in the prompt; every variant is something the provider has been seen
 * (or may plausibly be seen) to do. A `[sim:late=<ms>]` tag (see `NextOptions.lateMs`) may stand
 * beside it or share its brackets: `[sim:fail,late=30000]`. An unknown tag is refused with 400.
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

/** HTTP statuses a `status` fault may answer with: the ones docs/provider.md lists, plus 403 and 408. */
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
  /**
   * Create requests that reached a create route (either path), whatever their outcome (faulted,
   * answered during a 5xx outage, 401, 400 included).
   */
  readonly creates: number;
  /** Read requests that reached a read route (either path), whatever their outcome. */
  readonly reads: number;
  /** Generations actually created (2xx creates): what the provider would have charged for. */
  readonly generations: number;
  /** Requests for video files (`/files/…`), whatever their outcome (expired and outage answers included). */
  readonly videoRequests: number;
  /** Read requests for this generation id, whatever their outcome. */
  readsFor(id: string): number;
  /** Sets every count back to zero and forgets the recorded create requests. */
  reset(): void;
}

/**
 * Milliseconds a generation spends in the generating phase, for its resolution, duration and
 * model (the model argument was added with the PixVerse v5 family; two-argument functions still fit).
 */
export type GenerateMsFn = (resolution: Resolution, duration: Duration, model: Model) => number;

/** Per-generation options for `nextBehaviour`; the `[sim:late=<ms>]` prompt tag sets the same. */
export interface NextOptions {
  /**
   * The generation reaches its final status exactly this many milliseconds after its creation
   * (on the simulator's clock) instead of after `queueMs + generateMs`; it stays queued for
   * `min(queueMs, lateMs)`. For making a generation finish after the gateway's own deadline.
   */
  lateMs?: number;
}

/** One create request that got past faults, outages and the key check, as the simulator received it. */
export interface CreateRecord {
  /** The path it was sent to. */
  path: GenerationPath;
  /** The JSON body, parsed and otherwise untouched (a data URI is kept whole); undefined when it was not JSON. */
  body: unknown;
  /** Byte length of the body as received. */
  bytes: number;
  /** The status the simulator answered: 200/201, 400 or 413. */
  status: number;
  /** The generation id, when one was created. */
  id: string | null;
  /** When it was received, on the simulator's clock. */
  receivedAt: number;
}

/**
 * `'5xx'`: the server keeps accepting connections and answers every request (video files
 * included) with `status` and the provider's error body, as an overloaded or failing provider does.
 * `'refuse'`: the server stops listening, so connecting fails with ECONNREFUSED, as with a
 * provider host that is down; open connections are dropped when it starts (idle keep-alive ones
 * closed, busy ones reset), and it listens on the same port again when the outage ends.
 * `'reset'`: the server accepts connections and resets them at once (ECONNRESET), as a failing
 * load balancer does; unlike a refusal, a client cannot tell whether a request it sent arrived.
 */
export type OutageMode = '5xx' | 'refuse' | 'reset';

export interface OutageOptions {
  /**
   * How long the outage lasts, in real milliseconds (not the `now` clock); absent means until `end()`.
   */
  durationMs?: number;
  /** @default '5xx' */
  mode?: OutageMode;
  /**
   * Status of every answer in `'5xx'` mode.
   * @default 503
   */
  status?: 500 | 502 | 503 | 504;
  /** Seconds; sets a `Retry-After` header on `'5xx'` answers. Absent means no header. */
  retryAfter?: number;
  /** Replaces the default message of the `'5xx'` error body. */
  message?: string;
}

/**
 * A running (or finished) outage. Generations keep ageing through it: their state is a function
 * of time, so a read after the outage sees whatever finished meanwhile.
 */
export interface Outage {
  readonly mode: OutageMode;
  /** True until the outage ends. */
  readonly active: boolean;
  /**
   * Resolves once requests are answered normally again (in `'refuse'` mode: once the server
   * listens on its port again) or the simulator stopped; rejects if the port could not be bound
   * again (another process took it meanwhile).
   */
  readonly ended: Promise<void>;
  /** Ends the outage now (a no-op when it already ended); resolves like `ended`. */
  end(): Promise<void>;
}

export interface ExpireOptions {
  /** Only the video URLs of these generations; absent means every video URL, including those of later generations. */
  ids?: readonly string[];
  /**
   * What an expired URL answers; 403 is what an expired signed URL usually gets from a CDN.
   * @default 404
   */
  status?: 403 | 404 | 410;
}

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
   * Largest create body accepted, in bytes; larger ones are answered 413. Images sent as base64
   * data URIs make bodies large, and the provider documents no limit.
   * @default 33_554_432 // 32 MiB
   */
  maxBodyBytes?: number;
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
   * Queues a behaviour (and options) for the next successful create; each call applies to one
   * create, in order. A queued behaviour takes precedence over a `[sim:...]` prompt tag, and
   * queued options over a `[sim:late=<ms>]` tag.
   */
  nextBehaviour(behaviour: Behaviour, options?: NextOptions): void;
  /**
   * Every recorded create request, oldest first (see `CreateRecord`): those that got past faults,
   * outages and the key check, whether they were accepted or refused with 400/413.
   */
  createRequests(): readonly CreateRecord[];
  /** The JSON object bodies of `createRequests()`, oldest first, exactly as the gateway sent them. */
  createBodies(): Record<string, unknown>[];
  /**
   * Starts an outage (see `OutageMode`); throws if one is already running. Queued faults wait
   * untouched until it ends.
   */
  outage(options?: OutageOptions): Outage;
  /**
   * Makes video URLs stop answering (with `status`, 404 by default), as the provider's expiring
   * URLs do; calls add up. Generations themselves still read as completed with the same URL.
   */
  expireVideos(options?: ExpireOptions): void;
  /** Serves every video URL again. */
  restoreVideos(): void;
  /** Closes the server and destroys every open socket, hung requests included; ends any outage. */
  stop(): Promise<void>;
}
