/**
 * Helpers for the core integration tests: subscription watchers that expose every event as it
 * arrives and say how the stream ended (completed, errored, cut), plus lifecycle invariants.
 */
import type { Client } from 'graphql-ws';
import { expect } from 'vitest';
import type { GqlError, TestGateway } from './gateway.js';
import { sseEvents } from './sse.js';

export const STATUS_RANK: Record<string, number> = { QUEUED: 0, GENERATING: 1, COMPLETED: 2, FAILED: 2, TIMED_OUT: 2 };
export const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT']);

/** The subscription with every field the lifecycle tests look at. */
export const WATCH = /* GraphQL */ `
  subscription Watch($id: ID!) {
    videoGenerationUpdates(id: $id) {
      id status providerStatus progress completedAt
      video { url contentType fileName fileSize }
      error { code message }
      transitions { status providerStatus at }
    }
  }
`;

export const READ_FULL = /* GraphQL */ `
  query ReadFull($id: ID!) {
    videoGeneration(id: $id) {
      id status providerStatus progress prompt completedAt
      video { url contentType fileName fileSize }
      error { code message }
      transitions { status providerStatus at }
    }
  }
`;

export const GENERATE_FULL = /* GraphQL */ `
  mutation GenerateFull($input: GenerateVideoInput!) {
    generateVideo(input: $input) {
      generation { id status providerStatus progress prompt negativePrompt resolution duration seed }
      userErrors { code message field retryAfterSeconds }
    }
  }
`;

export interface Gen {
  id: string;
  status: string;
  providerStatus: string;
  progress: number;
  completedAt: string | null;
  video: { url: string; contentType: string | null; fileName: string | null; fileSize: number | null } | null;
  error: { code: string; message: string } | null;
  transitions: { status: string; providerStatus: string; at: string }[];
  /** Only in READ_FULL answers. */
  prompt?: string;
}

export interface UserError {
  code: string;
  message: string;
  field: string[] | null;
  retryAfterSeconds: number | null;
}

export interface GeneratePayload {
  generateVideo: {
    generation: { id: string; status: string; providerStatus: string; progress: number; prompt: string } | null;
    userErrors: UserError[];
  };
}

export type StreamEnd = 'complete' | 'error' | 'eof' | 'aborted';

export interface StreamWatch {
  /** Every `videoGenerationUpdates` payload received, in order. */
  readonly events: Gen[];
  /** GraphQL errors received (in `next` payloads or as the terminal `error`). */
  readonly errors: GqlError[];
  /** Resolves with how the stream ended. */
  readonly ended: Promise<StreamEnd>;
  /** The way it ended, once it has. */
  end: StreamEnd | null;
  /** Resolves once at least `n` events have arrived (rejects if the stream ends first). */
  nth(n: number): Promise<void>;
  /** Stops listening (unsubscribes / aborts). */
  cancel(): void;
}

class Watch implements StreamWatch {
  events: Gen[] = [];
  errors: GqlError[] = [];
  end: StreamEnd | null = null;
  ended: Promise<StreamEnd>;
  private resolveEnd!: (e: StreamEnd) => void;
  private waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  cancel: () => void = () => undefined;

  constructor() {
    this.ended = new Promise((r) => (this.resolveEnd = r));
  }

  push(gen: Gen): void {
    this.events.push(gen);
    this.waiters = this.waiters.filter((w) => {
      if (this.events.length >= w.n) w.resolve();
      return this.events.length < w.n;
    });
  }

  finish(end: StreamEnd): void {
    if (this.end !== null) return;
    this.end = end;
    for (const w of this.waiters) w.reject(new Error(`stream ended (${end}) after ${this.events.length} events, wanted ${w.n}`));
    this.waiters = [];
    this.resolveEnd(end);
  }

  nth(n: number): Promise<void> {
    if (this.events.length >= n) return Promise.resolve();
    if (this.end !== null) return Promise.reject(new Error(`stream already ended (${this.end}) with ${this.events.length} events`));
    return new Promise((resolve, reject) => this.waiters.push({ n, resolve, reject }));
  }
}

/** Follows `videoGenerationUpdates` over graphql-ws. */
export function watchWs(client: Client, id: string, query = WATCH): StreamWatch {
  const w = new Watch();
  const unsubscribe = client.subscribe<{ videoGenerationUpdates: Gen }>(
    { query, variables: { id } },
    {
      next: (v) => {
        if (v.errors) w.errors.push(...(v.errors as unknown as GqlError[]));
        if (v.data?.videoGenerationUpdates) w.push(v.data.videoGenerationUpdates);
      },
      error: (e) => {
        if (Array.isArray(e)) w.errors.push(...(e as GqlError[]));
        else w.errors.push({ message: e instanceof Error ? e.message : String(e) });
        w.finish('error');
      },
      complete: () => w.finish('complete'),
    },
  );
  w.cancel = () => {
    unsubscribe();
    w.finish('aborted');
  };
  return w;
}

/** Follows `videoGenerationUpdates` over GraphQL over SSE (distinct connections mode). */
export function watchSse(url: string, id: string, opts: { headers?: Record<string, string>; query?: string } = {}): StreamWatch & { status: Promise<number> } {
  const w = new Watch();
  const controller = new AbortController();
  let resolveStatus!: (s: number) => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  w.cancel = () => {
    controller.abort();
    w.finish('aborted');
  };
  void (async () => {
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...opts.headers },
        body: JSON.stringify({ query: opts.query ?? WATCH, variables: { id } }),
        signal: controller.signal,
      });
      resolveStatus(res.status);
      if (!res.body) {
        w.finish('eof');
        return;
      }
      for await (const { event, data } of sseEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
        if (event === 'complete') {
          w.finish('complete');
          controller.abort();
          return;
        }
        if (data === null) continue;
        const payload = JSON.parse(data) as { data?: { videoGenerationUpdates?: Gen }; errors?: GqlError[] };
        if (payload.errors) w.errors.push(...payload.errors);
        if (payload.data?.videoGenerationUpdates) w.push(payload.data.videoGenerationUpdates);
      }
      w.finish('eof');
    } catch (err) {
      resolveStatus(0);
      w.finish(controller.signal.aborted ? 'aborted' : 'error');
      if (!controller.signal.aborted) w.errors.push({ message: err instanceof Error ? err.message : String(err) });
    }
  })();
  return Object.assign(w, { status });
}

/** Starts a generation through the gateway; fails the test when it does not start. */
export async function generate(gw: TestGateway, input: Record<string, unknown>): Promise<string> {
  const { status, body } = await gw.gql<GeneratePayload>(GENERATE_FULL, { input });
  const id = body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`generateVideo failed (HTTP ${status}): ${JSON.stringify(body)}`);
  return id;
}

export async function read(gw: TestGateway, id: string): Promise<Gen | null> {
  const { body } = await gw.gql<{ videoGeneration: Gen | null }>(READ_FULL, { id });
  if (body.errors) throw new Error(`videoGeneration errored: ${JSON.stringify(body.errors)}`);
  return body.data?.videoGeneration ?? null;
}

/**
 * schema.graphql invariants of one subscription's events: status never moves backwards and each
 * status is emitted at most once, progress never decreases and is 1 exactly on COMPLETED, the
 * transition log only grows, and nothing follows a terminal event.
 */
export function expectLifecycleInvariants(events: Gen[]): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) {
    const prev = events[i - 1]!;
    const cur = events[i]!;
    expect(STATUS_RANK[cur.status]!, `status went from ${prev.status} to ${cur.status}`).toBeGreaterThan(STATUS_RANK[prev.status]!);
    expect(cur.progress, 'progress went backwards').toBeGreaterThanOrEqual(prev.progress);
    expect(cur.transitions.length).toBeGreaterThan(prev.transitions.length);
    expect(cur.transitions.slice(0, prev.transitions.length).map((t) => t.status)).toEqual(prev.transitions.map((t) => t.status));
    expect(TERMINAL.has(prev.status), `event after terminal ${prev.status}`).toBe(false);
  }
  for (const e of events) {
    expect(e.progress).toBeGreaterThanOrEqual(0);
    if (e.status === 'COMPLETED') expect(e.progress).toBe(1);
    else expect(e.progress).toBeLessThan(1);
    const ranks = e.transitions.map((t) => STATUS_RANK[t.status]!);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(e.transitions.map((t) => t.status)).size).toBe(e.transitions.length);
    expect(e.transitions.at(-1)?.status).toBe(e.status);
    const times = e.transitions.map((t) => Date.parse(t.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  }
  const last = events.at(-1)!;
  expect(TERMINAL.has(last.status), `last event is ${last.status}, not terminal`).toBe(true);
}

export const statuses = (events: Gen[]): string[] => events.map((e) => e.status);
export const providerStatuses = (events: Gen[]): string[] => events.map((e) => e.providerStatus);

/** The simulator's create route, called directly (as another tool of the same account would). */
export async function createAtSimulator(gw: TestGateway, prompt: string): Promise<string> {
  const res = await fetch(`${gw.sim.url}/v2/generate/video/pixverse/generation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.sim.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'pixverse/v5/text-to-video', prompt }),
  });
  const body = (await res.json()) as { id?: string };
  if (!res.ok || !body.id) throw new Error(`simulator create failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * A clock for the simulator that a test moves forward by hand. With long `queueMs` and
 * `generateMs`, a generation stays in each phase until the test calls `advance`, so a test can
 * wait for its subscribers to see one state before the provider moves on: no race against the
 * machine's speed.
 */
export class SimClock {
  private offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Phase length used with SimClock: far longer than any test, ended by `advance(PHASE_MS)`. */
export const PHASE_MS = 3_600_000;
